import Foundation
import Spawn

/// A throw-away CA and server certificate made with the `openssl` command, and nginx as a TLS + HTTP/2
/// reverse proxy in front of a simulator: what patrol meets at github.com or a GHES server, on loopback.
/// The tests and the benchmark (which points Debian's `gh` at it) share it; no product target depends on it.
///
/// nginx runs as a child process with its own prefix and config in the test's folder (no system service,
/// an unprivileged port, `daemon off`), and logs `$server_protocol` for every request it served.
public final class TLSFront: Sendable {

    /// The `nginx` and `openssl` executables, found where Debian installs them.
    public static let nginx = executable("nginx", in: ["/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin"])
    public static let openssl = executable("openssl", in: ["/usr/bin", "/bin", "/usr/local/bin"])
    /// True when both are installed (`make test` installs them; see the Makefile's `test-deps`).
    public static var isAvailable: Bool { nginx != nil && openssl != nil }
    public static let missing = "nginx (Debian: nginx-light) and openssl are needed; `make test` installs them"

    public let folder: String
    /// The throw-away CA's certificate: what `--ca-file` is given.
    public let caPath: String
    public let port: Int
    private let process: ChildProcess
    /// Where the API is served: empty, or `/api/v3` as on GitHub Enterprise Server.
    public let prefix: String
    /// `https://localhost:PORT[/api/v3]`: the certificate is for `localhost` and 127.0.0.1.
    public var url: String { "https://localhost:\(port)\(prefix)" }
    private var accessLogPath: String { folder + "/access.log" }

    /// Makes the certificates and starts nginx in front of `upstream` (`http://127.0.0.1:PORT`), serving it under
    /// `prefix` (`/api/v3` for Enterprise Server's layout, where every other path answers nginx's own 404).
    public init(upstream: String, folder parent: String, prefix: String = "") throws {
        self.prefix = prefix
        guard let nginx = Self.nginx, let openssl = Self.openssl else { throw FrontError(Self.missing) }
        folder = parent + "/tls-front"
        try FileManager.default.createDirectory(atPath: folder + "/temp", withIntermediateDirectories: true)
        caPath = folder + "/ca.pem"
        try Self.makeCertificates(openssl: openssl, in: folder)
        var lastError = "nginx did not start"
        for _ in 0..<5 {
            let port = try Self.freePort()
            try Self.config(folder: folder, port: port, upstream: upstream, prefix: prefix).write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
            let process = try ChildProcess(nginx, ["-p", folder, "-c", folder + "/nginx.conf", "-g", "daemon off;"], stdout: .null)
            if Self.waitUntilListening(port: port, while: { process.isRunning }) {
                self.port = port
                self.process = process
                return
            }
            process.stop()
            lastError = String(decoding: process.stderr.readDataToEndOfFile(), as: UTF8.self)
        }
        throw FrontError("nginx did not start: \(lastError)")
    }

    deinit { stop() }

    /// Stops nginx (SIGTERM to the master, which ends its worker) and waits for it.
    public func stop() {
        process.stop()
    }

    /// `METHOD URI PROTOCOL STATUS` for every request nginx served, oldest first.
    public var accessLog: [String] {
        ((try? String(contentsOfFile: accessLogPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    // MARK: Set-up

    private static func executable(_ name: String, in folders: [String]) -> String? {
        folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A CA (`ca.pem`) and a server certificate for localhost and 127.0.0.1 signed by it (`server.pem`, `server.key`).
    private static func makeCertificates(openssl: String, in folder: String) throws {
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
            .write(toFile: folder + "/server.ext", atomically: true, encoding: .utf8)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try run(openssl, ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=patrol throw-away test CA",
                                                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: folder)
        try run(openssl, ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], in: folder)
        try run(openssl, ["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                          "-out", "server.pem", "-days", "2", "-extfile", "server.ext"], in: folder)
    }

    private static func run(_ executable: String, _ arguments: [String], in folder: String) throws {
        let run = try ChildProcess.run(executable, arguments, directory: folder, stdout: .null)
        guard run.termination == .exited(0) else {
            throw FrontError("\(executable) \(arguments.joined(separator: " ")) failed: \(run.errorText)")
        }
    }

    /// nginx's whole configuration: every path inside `folder`, TLS + HTTP/2 on `port`, proxied to `upstream`.
    private static func config(folder: String, port: Int, upstream: String, prefix: String) -> String {
        // As root, nginx would run its worker as `nobody`, which cannot use the test's folder.
        let user = geteuid() == 0 ? "user root;\n" : ""
        return """
            \(user)worker_processes 1;
            pid \(folder)/nginx.pid;
            error_log \(folder)/error.log warn;
            events { worker_connections 256; }
            http {
                log_format patrol '$request_method $request_uri $server_protocol $status';
                access_log \(folder)/access.log patrol;
                client_body_temp_path \(folder)/temp/body;
                proxy_temp_path \(folder)/temp/proxy;
                fastcgi_temp_path \(folder)/temp/fastcgi;
                uwsgi_temp_path \(folder)/temp/uwsgi;
                scgi_temp_path \(folder)/temp/scgi;
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    server_name localhost;
                    ssl_certificate \(folder)/server.pem;
                    ssl_certificate_key \(folder)/server.key;
                    # GitHub answers in TLS 1.3; Debian 12's nginx (1.22) offers only up to 1.2 unless told.
                    ssl_protocols TLSv1.2 TLSv1.3;
                    location \(prefix)/ {
                        proxy_pass \(upstream)\(prefix.isEmpty ? "" : "/");
                        proxy_set_header X-Forwarded-Prefix "\(prefix)";
                        proxy_http_version 1.1;
                        proxy_set_header Host $host:$server_port;
                        proxy_set_header X-Forwarded-Proto https;
                        proxy_set_header Connection "";
                        proxy_redirect off;
                        proxy_buffering off;
                    }
                }
            }

            """
    }

    /// A port nothing listens on now (the kernel's pick for port 0).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FrontError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        // Why unsafe: bind and getsockname read and write exactly one sockaddr_in through the rebound pointer.
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw FrontError("could not find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Polls until something accepts connections on `port` (true), or `alive` turns false or 10 s pass.
    public static func waitUntilListening(port: Int, while alive: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, alive() {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            // Why unsafe: connect reads one sockaddr_in through the rebound pointer.
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if connected { return true }
            usleep(20_000)
        }
        return false
    }

    public struct FrontError: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }
}
