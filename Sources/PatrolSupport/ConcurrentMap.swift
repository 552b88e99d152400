/// `transform` applied to every element of `elements` with at most `limit` of them in flight at once: the results in
/// the order of `elements`. The first error cancels what is still running and is thrown.
package func concurrentMap<Element: Sendable, Mapped: Sendable>(
    _ elements: [Element], atOnce limit: Int, _ transform: @escaping @Sendable (Element) async throws -> Mapped
) async throws -> [Mapped] {
    var results = [Mapped?](repeating: nil, count: elements.count)
    try await withThrowingTaskGroup(of: (Int, Mapped).self) { group in
        var pending = elements.enumerated().makeIterator()
        var running = 0
        while true {
            while running < max(1, limit), let (index, element) = pending.next() {
                group.addTask { (index, try await transform(element)) }
                running += 1
            }
            guard let (index, result) = try await group.next() else { break }
            running -= 1
            results[index] = result
        }
    }
    return results.map { $0! }
}
