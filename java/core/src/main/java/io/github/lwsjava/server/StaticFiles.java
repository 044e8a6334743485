package io.github.lwsjava.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A directory that lws serves itself under a mountpoint (an lws file mount): its default document, the
 * Cache-Control it sends and the MIME types it knows beside lws's own table. Immutable; each method returns a
 * copy.
 *
 * <pre>{@code
 * StaticFiles.of(Path.of("web")).defaultDocument("index.html")
 *         .cache(Duration.ofMinutes(10), true, false)    // Cache-Control: must-revalidate, private, max-age=600
 *         .mimeType(".wasm", "application/wasm")
 * }</pre>
 *
 * <p>lws serves only files whose extension it knows (its table, or {@link #mimeType}); {@code mimeType("*", "")}
 * serves every other file too, without a Content-Type.
 */
public final class StaticFiles {

    private final Path directory;
    private final String defaultDocument;
    private final Duration cacheMaxAge;
    private final boolean cacheRevalidate;
    private final boolean cacheShared;
    private final Map<String, String> mimeTypes;

    private StaticFiles(Path directory, String defaultDocument, Duration cacheMaxAge, boolean cacheRevalidate,
                        boolean cacheShared, Map<String, String> mimeTypes) {
        this.directory = directory;
        this.defaultDocument = defaultDocument;
        this.cacheMaxAge = cacheMaxAge;
        this.cacheRevalidate = cacheRevalidate;
        this.cacheShared = cacheShared;
        this.mimeTypes = mimeTypes;
    }

    /**
     * The files of a directory, with index.html as the default document and no caching ("Cache-Control:
     * no-store").
     *
     * @param directory the files
     * @return the mount's settings
     * @throws IllegalArgumentException when the directory does not exist
     */
    public static StaticFiles of(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("static files directory '" + directory + "' does not exist");
        }
        return new StaticFiles(directory, "index.html", Duration.ZERO, false, false, Map.of());
    }

    /**
     * The file served for the mountpoint itself (and for a directory under it).
     *
     * @param name a file name, e.g. "index.html"
     * @return a copy with this default document
     * @throws IllegalArgumentException when it is empty or holds a control character
     */
    public StaticFiles defaultDocument(String name) {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("invalid default document '" + name + "'");
        }
        return new StaticFiles(directory, name, cacheMaxAge, cacheRevalidate, cacheShared, mimeTypes);
    }

    /**
     * The caching lws allows: with a max-age above zero, "Cache-Control: [must-revalidate, ](private|public),
     * max-age=N" (lws's cache-max-age, cache-reuse, cache-revalidate and cache-intermediaries); with zero,
     * "no-store".
     *
     * @param maxAge how long a copy may be used, whole seconds; zero for no caching
     * @param revalidate whether a cache must check with the server once the copy is stale ("must-revalidate")
     * @param shared whether shared caches (proxies) may keep a copy too ("public" rather than "private")
     * @return a copy with this caching
     * @throws IllegalArgumentException when maxAge is negative or above 2^31 - 1 seconds
     */
    public StaticFiles cache(Duration maxAge, boolean revalidate, boolean shared) {
        if (maxAge == null || maxAge.isNegative() || maxAge.toSeconds() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("cache max-age " + maxAge + " is outside 0 to 2^31 - 1 seconds");
        }
        return new StaticFiles(directory, defaultDocument, maxAge, revalidate, shared, mimeTypes);
    }

    /**
     * Serves files ending with extension with this Content-Type, before lws's own table.
     *
     * @param extension the file extension, with or without the dot (".wasm"), or "*" for every file lws's table
     *                  does not know
     * @param contentType the Content-Type, e.g. "application/wasm" ("" only with "*": no Content-Type)
     * @return a copy with this MIME type too
     * @throws IllegalArgumentException when either is malformed
     */
    public StaticFiles mimeType(String extension, String contentType) {
        Map<String, String> more = new LinkedHashMap<>(mimeTypes);
        more.put(checkExtension(extension, contentType), contentType);
        return new StaticFiles(directory, defaultDocument, cacheMaxAge, cacheRevalidate, cacheShared,
                Collections.unmodifiableMap(more));
    }

    /** The extension as lws matches it (".ext", or "*"), after checking it and its content type. */
    static String checkExtension(String extension, String contentType) {
        boolean any = "*".equals(extension);
        if (extension == null || !any && !extension.matches("\\.?[A-Za-z0-9_+.-]+") || contentType == null
                || contentType.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                || !(any && contentType.isEmpty()) && !contentType.matches("[!-~]+/[ -~]+")) {
            throw new IllegalArgumentException("invalid MIME type '" + contentType + "' for '" + extension + "'");
        }
        return any || extension.startsWith(".") ? extension : "." + extension;
    }

    /** {@return the directory} */
    public Path directory() {
        return directory;
    }

    /** {@return the default document} */
    public String defaultDocument() {
        return defaultDocument;
    }

    /** {@return the cache max-age (zero: no caching)} */
    public Duration cacheMaxAge() {
        return cacheMaxAge;
    }

    /** {@return whether caches must revalidate a stale copy} */
    public boolean cacheRevalidate() {
        return cacheRevalidate;
    }

    /** {@return whether shared caches may keep a copy} */
    public boolean cacheShared() {
        return cacheShared;
    }

    /** {@return this mount's own MIME types, by extension (".wasm", or "*")} */
    public Map<String, String> mimeTypes() {
        return mimeTypes;
    }
}
