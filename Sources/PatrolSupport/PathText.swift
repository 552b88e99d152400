/// Paths as text, as Foundation's `NSString` path methods treated them.
public enum PathText {
    /// The folder part of `path`: `/a/b` for `/a/b/c`, `/` for `/c`, empty for a bare name (`deletingLastPathComponent`).
    public static func folder(of path: String) -> String {
        var text = Substring(path)
        while text.count > 1, text.hasSuffix("/") { text = text.dropLast() }
        guard let slash = text.lastIndex(of: "/") else { return "" }
        var folder = text[..<slash]
        while folder.count > 1, folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }

    /// `name` inside `folder`, with one slash between them (`appendingPathComponent`).
    public static func join(_ folder: String, _ name: String) -> String {
        guard !folder.isEmpty else { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
