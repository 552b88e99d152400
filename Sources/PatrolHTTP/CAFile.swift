import FoundationEssentials
import PatrolSupport
import Glibc

/// The certificate authorities patrol trusts for TLS besides the system store: a PEM file named by
/// `--ca-file`, else `$PATROL_CA_FILE`, else `$SSL_CERT_FILE` (spec §4). With none, the system store alone.
///
/// Checked before any request: a file that does not exist, cannot be read or holds no certificate is an
/// input error (exit 2), so a typo never turns into a TLS failure that blames the server.
public struct CAFile: Sendable, Equatable {
    /// The file as given (handed to libcurl as `CURLOPT_CAINFO`).
    public let path: String
    /// Where the path came from: `--ca-file`, `$PATROL_CA_FILE` or `$SSL_CERT_FILE`.
    public let source: String
    /// How many certificates the file holds.
    public let certificates: Int

    /// The largest file read; a CA bundle is a few hundred kilobytes.
    package static let maxBytes = 16 << 20

    /// Picks the CA file by precedence and checks it; nil when none is named (an empty variable counts as unset).
    public static func resolve(flag: String?, environment: [String: String]) throws(CAFileError) -> CAFile? {
        if let flag { return try CAFile(path: flag, source: "--ca-file") }
        for name in ["PATROL_CA_FILE", "SSL_CERT_FILE"] {
            if let value = environment[name], !value.isEmpty { return try CAFile(path: value, source: "$\(name)") }
        }
        return nil
    }

    /// Reads `path` and counts the PEM certificates in it.
    public init(path: String, source: String) throws(CAFileError) {
        func failure(_ reason: CAFileError.Reason) -> CAFileError { CAFileError(path: path, source: source, reason: reason) }
        guard !path.isEmpty else { throw failure(.missing) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw failure(.missing) }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw failure(.directory) }
        let data: Data
        do {
            data = Data(try FileBytes.read(path, limit: Self.maxBytes))
        } catch {
            throw failure(.unreadable)
        }
        guard data.count <= Self.maxBytes else { throw failure(.tooLarge) }
        let count = Self.certificateCount(inPEM: data)
        guard count > 0 else { throw failure(.noCertificate) }
        self.path = path
        self.source = source
        self.certificates = count
    }

    /// `the CA file /etc/corp-ca.pem (from --ca-file)`, for messages.
    public var description: String { "the CA file \(path) (from \(source))" }

    /// The `-----BEGIN CERTIFICATE-----` blocks whose body is base64 of a DER sequence.
    package static func certificateCount(inPEM text: String) -> Int { certificateCount(inPEM: Data(text.utf8)) }

    /// The same count over the file's bytes: a system bundle (`$SSL_CERT_FILE` in many CI images) holds about 150
    /// certificates, which searching it as a `String` took most of 100 ms to count.
    package static func certificateCount(inPEM pem: Data) -> Int {
        let bytes = [UInt8](pem)
        let begin = Array("-----BEGIN CERTIFICATE-----".utf8), end = Array("-----END CERTIFICATE-----".utf8)
        /// The first index at or after `from` where `marker` starts.
        func find(_ marker: [UInt8], from: Int) -> Int? {
            guard bytes.count >= marker.count, from <= bytes.count - marker.count else { return nil }
            var index = from
            while index <= bytes.count - marker.count {
                if bytes[index] == marker[0], bytes[index..<index + marker.count].elementsEqual(marker) { return index }
                index += 1
            }
            return nil
        }
        var count = 0
        var position = 0
        while let start = find(begin, from: position), let stop = find(end, from: start + begin.count) {
            let body = bytes[(start + begin.count)..<stop].filter { !($0 == 0x20 || (0x09...0x0D).contains($0)) }
            // A DER certificate is a SEQUENCE: its first byte is 0x30.
            if let der = Data(base64Encoded: Data(body)), der.first == 0x30, der.count > 64 { count += 1 }
            position = stop + end.count
        }
        return count
    }
}

/// A CA file that cannot be used. patrol exits with code 2 before sending any request.
public struct CAFileError: Error, Equatable, CustomStringConvertible {
    /// What is wrong with the file.
    public enum Reason: Equatable, Sendable {
        case missing, directory, unreadable, tooLarge, noCertificate
    }

    public let path: String
    /// `--ca-file`, `$PATROL_CA_FILE` or `$SSL_CERT_FILE`.
    public let source: String
    public let reason: Reason

    public var description: String {
        let subject = "the CA file \(path) (from \(source))"
        let unset = source.hasPrefix("$") ? ", or unset \(source.dropFirst()) to use the system store" : ""
        let fix = "give a PEM file of your CA's certificate with --ca-file PATH, PATROL_CA_FILE or SSL_CERT_FILE\(unset)"
        return switch reason {
        case .missing: "\(subject) does not exist — \(fix)"
        case .directory: "\(subject) is a folder, not a file — \(fix)"
        case .unreadable: "\(subject) cannot be read — check its permissions, or \(fix)"
        case .tooLarge: "\(subject) is larger than \(CAFile.maxBytes >> 20) MiB — \(fix)"
        case .noCertificate: "\(subject) holds no PEM certificate (-----BEGIN CERTIFICATE-----) — \(fix)"
        }
    }

    package init(path: String, source: String, reason: Reason) {
        self.path = path
        self.source = source
        self.reason = reason
    }
}
