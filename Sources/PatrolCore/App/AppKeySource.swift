import FoundationEssentials
import PatrolSecrets
internal import CSodium

/// Finds the App's private key: `--app-key-file PATH`, else the config's `app.privateKeyFile`, else
/// `$PATROL_APP_PRIVATE_KEY` (the PEM itself). Each goes straight from its source into ``AppPrivateKey``'s
/// guarded memory; the buffers read on the way are zeroed.
public enum AppKeySource {
    /// The environment variable that may hold the PEM itself.
    public static let variable = "PATROL_APP_PRIVATE_KEY"

    /// The key from the first source that names one, or nil when none does.
    public static func resolve(file: String?, configFile: String?, inputs: TokenInputs) throws(AppKeyError) -> AppPrivateKey? {
        if let file { return try read(file: file, origin: .file(path: file)) }
        if let configFile { return try read(file: configFile, origin: .configFile(path: configFile)) }
        guard let value = inputs.environment(variable) else { return nil }
        return try fromEnvironment(value)
    }

    /// A key file that only its owner can read (the rule `--token-file` follows, like ssh).
    static func read(file path: String, origin: AppKeyOrigin) throws(AppKeyError) -> AppPrivateKey {
        var bytes: [UInt8]
        do throws(TokenSourceError) {
            bytes = try TokenSource.readFile(path)
        } catch {
            throw .file(error, origin: origin)
        }
        defer { TokenSource.zero(&bytes) }
        return try AppPrivateKey(pem: bytes, origin: origin)
    }

    /// The PEM from `$PATROL_APP_PRIVATE_KEY`. A value whose line breaks arrived as the two characters `\n`
    /// (as some CI systems store multi-line values) is read with real line breaks.
    static func fromEnvironment(_ raw: consuming [UInt8]) throws(AppKeyError) -> AppPrivateKey {
        var bytes = raw
        defer { TokenSource.zero(&bytes) }
        if !bytes.contains(UInt8(ascii: "\n")) {
            var unescaped = [UInt8]()
            unescaped.reserveCapacity(bytes.count)
            defer { TokenSource.zero(&unescaped) }
            var index = 0
            while index < bytes.count {
                if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "n") {
                    unescaped.append(UInt8(ascii: "\n"))
                    index += 2
                } else {
                    unescaped.append(bytes[index])
                    index += 1
                }
            }
            return try AppPrivateKey(pem: unescaped, origin: .environment)
        }
        return try AppPrivateKey(pem: bytes, origin: .environment)
    }
}
