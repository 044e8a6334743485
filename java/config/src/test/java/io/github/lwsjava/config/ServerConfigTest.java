package io.github.lwsjava.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading configuration directories (without starting a server): a good one, and bad ones refused with the file,
 * the key path and the reason.
 */
@Tag("unit")
class ServerConfigTest {

    @TempDir
    Path dir;

    /** Writes conf (when not null) and conf.d's files, and a site directory. */
    private Path config(String conf, Map<String, String> confD) throws IOException {
        Files.createDirectories(dir.resolve("site"));
        Files.writeString(dir.resolve("site/index.html"), "hi");
        if (conf != null) {
            Files.writeString(dir.resolve("conf"), conf);
        }
        Files.createDirectories(dir.resolve("conf.d"));
        for (Map.Entry<String, String> f : confD.entrySet()) {
            Files.writeString(dir.resolve("conf.d").resolve(f.getKey()), f.getValue());
        }
        return dir;
    }

    /** A conf.d/site file with one vhost whose body (after name, port and interface) is given. */
    private Path vhost(String body) throws IOException {
        return config(null, Map.of("site", """
                {"vhosts": [{
                  "name": "site", "port": "0", "interface": "127.0.0.1"%s
                }]}
                """.formatted(body.isEmpty() ? "" : ",\n  " + body)));
    }

    private ConfigException refused(Path dir, String file, String key, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.read(dir));
        String relative = dir.relativize(e.file().toAbsolutePath()).toString().replace('\\', '/');
        assertEquals(file, relative.isEmpty() ? "." : relative, e.getMessage());
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.reason().contains(reason), "'" + e.reason() + "' should contain '" + reason + "'");
        assertTrue(e.getMessage().contains(e.key()) && e.getMessage().contains(e.reason()), e.getMessage());
        return e;
    }

    @Test
    void aGoodConfigurationListsItsVhostsInOrder() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        Path key = dir.resolve("key.pem");
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
        Path config = config("""
                # global settings
                {"global": {"count-threads": "2", "init-ssl": "yes", "ws-pingpong-secs": 20}}
                """, Map.of("b-second", """
                {"vhosts": [{"name": "two", "port": 8443, "interface": "127.0.0.1",
                  "host-ssl-cert": "cert.pem", "host-ssl-key": "key.pem", "host-ssl-ca": "cert.pem",
                  "client-cert-required": "1", "sts": "on",
                  "ws-protocols": [{"echo": {"default": "1", "prefix": ">"}}, {"chat.v1": {"route": "/chat"}}],
                  "mounts": [{"mountpoint": "/", "origin": "callback://echo", "pmo": [{"prefix": "p"}]}]}]}
                """, "a-first", """
                {"vhosts": [
                  {"name": "one", "port": "8080", "interface": "127.0.0.1",
                   "headers": [{"X-Frame-Options": "DENY", "Content-Security-Policy": "default-src 'self'"}],
                   "access-log": "access.log",
                   "mounts": [
                     {"mountpoint": "/", "origin": "file://site", "default": "index.html", "cache-max-age": 60,
                      "cache-reuse": "1", "cache-revalidate": "0", "cache-intermediaries": true,
                      "extra-mimetypes": {".wasm": "application/wasm", "*": ""}},
                     {"mountpoint": "/status", "origin": "callback://status"},
                     {"mountpoint": "/old", "origin": ">https://example.com/"}]},
                  {"name": "zero", "port": 0}]}
                """, ".hidden", "not json", "backup~", "not json either"));
        ServerConfig c = ServerConfig.read(config);
        assertEquals(List.of(
                new ServerConfig.Vhost("one", "127.0.0.1", 8080, false, config.resolve("conf.d/a-first")),
                new ServerConfig.Vhost("zero", "0.0.0.0", 0, false, config.resolve("conf.d/a-first")),
                new ServerConfig.Vhost("two", "127.0.0.1", 8443, true, config.resolve("conf.d/b-second"))),
                c.vhosts());
        assertNotNull(c.builder());
    }

    @Test
    void aFileThatIsNotJsonIsRefusedWithLineAndColumn() throws Exception {
        Path d = config(null, Map.of("site", "{\"vhosts\": [{\"name\": \"a\", \"port\": 1,}]}"));
        refused(d, "conf.d/site", "vhosts[0]", "not JSON: line 1, column 37: a trailing ',' before '}'");
        Files.write(dir.resolve("conf.d/site"), new byte[] {'{', (byte) 0xff, '}'});
        refused(d, "conf.d/site", "", "not UTF-8 text");
        Files.writeString(dir.resolve("conf.d/site"), "[]");
        refused(d, "conf.d/site", "", "expected an object ({...}) but found an array");
    }

    @Test
    void unknownKeysAndLwswsKeysThatAreNotSupportedAreRefused() throws Exception {
        refused(vhost("\"colour\": \"blue\""), "conf.d/site", "vhosts[0].colour",
                "unknown key \"colour\" (supported here: access-log, client-cert-required, headers, host-ssl-ca,");
        refused(vhost("\"unix-socket\": \"1\""), "conf.d/site", "vhosts[0].unix-socket",
                "lwsws's \"unix-socket\" is not supported by lws-java: lws-java listens on TCP only");
        refused(vhost("\"ciphers\": \"HIGH\""), "conf.d/site", "vhosts[0].ciphers",
                "lwsws's \"ciphers\" is not supported by lws-java");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"file://site\", \"basic-auth\": \"f\"}]"),
                "conf.d/site", "vhosts[0].mounts[0].basic-auth", "not supported by lws-java");
        refused(config("{\"global\": {\"username\": \"www\"}}", Map.of()), "conf", "global.username",
                "a JVM cannot change its user or group");
        refused(config("{\"globals\": {}}", Map.of()), "conf", "globals", "unknown key \"globals\"");
    }

    @Test
    void valuesOfTheWrongTypeOrRangeAreRefused() throws Exception {
        refused(config(null, Map.of("site", "{\"vhosts\": [{\"name\": \"a\", \"port\": \"70000\"}]}")),
                "conf.d/site", "vhosts[0].port", "70000 is not a whole number from 0 to 65535");
        refused(config(null, Map.of("site", "{\"vhosts\": [{\"name\": \"a\", \"port\": \"http\"}]}")),
                "conf.d/site", "vhosts[0].port", "expected a whole number but found the string \"http\"");
        refused(config(null, Map.of("site", "{\"vhosts\": [{\"name\": \"a\", \"port\": 80.5}]}")),
                "conf.d/site", "vhosts[0].port", "80.5 is not a whole number");
        refused(config(null, Map.of("site", "{\"vhosts\": [{\"port\": 80}]}")),
                "conf.d/site", "vhosts[0]", "\"name\" is missing");
        refused(config(null, Map.of("site", "{\"vhosts\": [{\"name\": 7, \"port\": 80}]}")),
                "conf.d/site", "vhosts[0].name", "expected a string but found the number 7");
        refused(vhost("\"sts\": \"maybe\""), "conf.d/site", "vhosts[0].sts", "expected a boolean");
        refused(config(null, Map.of("site", "{\"vhosts\": {\"name\": \"a\"}}")),
                "conf.d/site", "vhosts", "expected an array ([...]) but found an object");
        refused(config("{\"global\": {\"count-threads\": 0}}", Map.of()), "conf", "global.count-threads",
                "0 is not a whole number from 1 to 64");
        refused(config("{\"global\": {\"init-ssl\": \"0\"}}", Map.of()), "conf", "global.init-ssl",
                "lws-java always initializes TLS");
        refused(config("{\"global\": {\"ws-pingpong-secs\": \"0\"}}", Map.of()), "conf", "global.ws-pingpong-secs",
                "0 is not a whole number from 1 to 3600");
    }

    @Test
    void mountsAreCheckedAgainstTheirOriginsAndTheFileSystem() throws Exception {
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"cgi:///usr/lib/cgi-bin/x\"}]"),
                "conf.d/site", "vhosts[0].mounts[0].origin", "CGI is not supported by lws-java");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"https://upstream.test\"}]"),
                "conf.d/site", "vhosts[0].mounts[0].origin", "reverse proxying (https://) is not supported");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"ftp://x\"}]"),
                "conf.d/site", "vhosts[0].mounts[0].origin", "unknown origin \"ftp://x\"");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"file://nowhere\"}]"),
                "conf.d/site", "vhosts[0].mounts[0].origin", "no such directory: " + dir.resolve("nowhere"));
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\"}]"), "conf.d/site", "vhosts[0].mounts[0]",
                "\"origin\" is missing");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"nope\", \"origin\": \"file://site\"}]"),
                "conf.d/site", "vhosts[0].mounts[0]", "mountpoint 'nope' must start with /");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/a\", \"origin\": \"file://site\"},"
                + " {\"mountpoint\": \"/a\", \"origin\": \">http://x.test/\"}]"),
                "conf.d/site", "vhosts[0].mounts[1]", "mountpoint /a is mounted twice");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/a\", \"origin\": \"callback://status\", \"cache-max-age\": 5}]"),
                "conf.d/site", "vhosts[0].mounts[0].cache-max-age", "only for file:// mounts");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/a\", \"origin\": \"file://site\", \"pmo\": [{\"a\": \"b\"}]}]"),
                "conf.d/site", "vhosts[0].mounts[0].pmo", "only for callback:// mounts");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/a\", \"origin\": \"file://site\","
                + " \"extra-mimetypes\": {\".x\": \"no slash\"}}]"),
                "conf.d/site", "vhosts[0].mounts[0].extra-mimetypes[\".x\"]", "invalid MIME type 'no slash'");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/a\", \"origin\": \">http://with space\"}]"),
                "conf.d/site", "vhosts[0].mounts[0]", "redirect location 'http://with space'");
        refused(vhost("\"access-log\": \"no/such/dir/access.log\""), "conf.d/site", "vhosts[0].access-log",
                "directory " + dir.resolve("no/such/dir") + " does not exist");
    }

    @Test
    void pluginsAreFoundByNameAndMustHaveTheFaceTheyAreUsedFor() throws Exception {
        refused(vhost("\"ws-protocols\": [{\"nope\": {}}]"), "conf.d/site", "vhosts[0].ws-protocols[0].nope",
                "no plugin named \"nope\" (found: chat.v1, echo, status;");
        refused(vhost("\"ws-protocols\": [{\"status\": {}}]"), "conf.d/site", "vhosts[0].ws-protocols[0].status",
                "the plugin \"status\" (" + TestPlugins.Status.class.getName() + ") speaks no WebSocket");
        refused(vhost("\"mounts\": [{\"mountpoint\": \"/\", \"origin\": \"callback://chat.v1\"}]"),
                "conf.d/site", "vhosts[0].mounts[0].origin", "the plugin \"chat.v1\" (" + TestPlugins.Chat.class.getName()
                        + ") answers no HTTP requests");
        refused(vhost("\"ws-protocols\": [{\"echo\": {\"default\": 1}}, {\"chat.v1\": {\"default\": \"on\"}}]"),
                "conf.d/site", "vhosts[0].ws-protocols[1][\"chat.v1\"].default",
                "a second protocol marked \"default\" on one vhost");
        refused(vhost("\"ws-protocols\": [{\"echo\": {}}, {\"echo\": {}}]"),
                "conf.d/site", "vhosts[0].ws-protocols[1].echo", "the protocol \"echo\" is listed twice");
        refused(vhost("\"ws-protocols\": [{\"echo\": {\"route\": \"chat\"}}]"),
                "conf.d/site", "vhosts[0].ws-protocols[0].echo.route", "route path 'chat' must start with /");
        refused(vhost("\"ws-protocols\": [{\"echo\": {\"opts\": [1]}}]"),
                "conf.d/site", "vhosts[0].ws-protocols[0].echo.opts", "expected a string, a number or a boolean");
        ConfigException none = assertThrows(ConfigException.class,
                () -> ServerConfig.read(vhost("\"ws-protocols\": [{\"echo\": {}}]"), List.of()));
        assertTrue(none.reason().contains("(found: none;"), none.reason());
    }

    @Test
    void headersAndTlsAreChecked() throws Exception {
        refused(vhost("\"headers\": [{\"X-Bad\": \"a\\r\\nSet-Cookie: b\"}]"), "conf.d/site",
                "vhosts[0].headers[0].X-Bad", "invalid value for response header X-Bad");
        refused(vhost("\"headers\": [{\"Bad Name\": \"a\"}]"), "conf.d/site",
                "vhosts[0].headers[0][\"Bad Name\"]", "invalid response header name 'Bad Name'");
        refused(vhost("\"headers\": {\"X-A\": \"a\"}"), "conf.d/site", "vhosts[0].headers",
                "expected an array ([...]) but found an object");
        refused(vhost("\"host-ssl-cert\": \"cert.pem\""), "conf.d/site", "vhosts[0].host-ssl-cert",
                "\"host-ssl-cert\" and \"host-ssl-key\" go together");
        refused(vhost("\"host-ssl-cert\": \"cert.pem\", \"host-ssl-key\": \"key.pem\""), "conf.d/site",
                "vhosts[0].host-ssl-cert", "no such readable file: " + dir.resolve("cert.pem"));
        refused(vhost("\"host-ssl-ca\": \"ca.pem\""), "conf.d/site", "vhosts[0].host-ssl-ca",
                "needs \"host-ssl-cert\" and \"host-ssl-key\"");
        Files.writeString(dir.resolve("cert.pem"), "x");
        Files.writeString(dir.resolve("key.pem"), "x");
        refused(vhost("\"host-ssl-cert\": \"cert.pem\", \"host-ssl-key\": \"key.pem\", \"client-cert-required\": 1"),
                "conf.d/site", "vhosts[0].client-cert-required", "needs \"host-ssl-ca\"");
    }

    @Test
    void theDirectoryMustHoldAVhostAndGlobalsAreSetOnce() throws Exception {
        refused(config("{\"global\": {\"count-threads\": 1}}", Map.of()), ".", "", "no vhost");
        refused(config("{\"global\": {\"count-threads\": 1}}", Map.of("more", "{\"global\": {\"count-threads\": 2}}")),
                "conf.d/more", "global.count-threads", "set before, in " + dir.resolve("conf"));
        ConfigException missing = assertThrows(ConfigException.class,
                () -> ServerConfig.read(dir.resolve("absent")));
        assertEquals("no such configuration directory", missing.reason());
    }
}
