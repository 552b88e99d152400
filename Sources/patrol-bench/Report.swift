import Foundation
import PatrolSupport

/// The benchmark's table and JSON, and the §8 targets checked against the figures.
enum Report {
    struct Target {
        let scenario: String
        let name: String
        let measured: String
        /// nil: not measured (the row says why).
        let met: Bool?
    }

    static let mebibyte = 1_048_576.0
    typealias Command = Benchmark.Command

    /// Requests per repository; a rollout's and a rotation's one `GET /user` preflight per run is left out.
    static func perRepository(_ figures: Benchmark.Figures, _ command: Command?, _ scenario: Benchmark.Scenario) -> Double {
        let preflight = command.map { [.rollout, .rolloutCached, .rotate].contains($0) } ?? false ? 1 : 0
        return Double(figures.requests - preflight) / Double(scenario.repositories)
    }

    static func mib(_ bytes: Int?) -> Double { Double(bytes ?? 0) / mebibyte }

    /// The targets of spec §8 (and issue 14) that `result` measures.
    static func targets(_ result: Benchmark.Result) -> [Target] {
        let s = result.scenario
        var targets: [Target] = []
        func add(_ name: String, _ measured: String, _ met: Bool?) { targets.append(Target(scenario: s.name, name: name, measured: measured, met: met)) }
        if s.organization { return organizationTargets(result) }
        let rollout = result.figures(.rollout)?.median, cached = result.figures(.rolloutCached)?.median
        if s.repositories <= Benchmark.writeBurst {
            let bound = 3 * s.latency + 0.04
            if let rollout { add("rollout: wall ≤ 3 × latency + 40 ms (\(ms(bound)))", ms(rollout.seconds), rollout.seconds <= bound) }
            if let cached { add("re-run, keys cached: wall ≤ 3 × latency + 40 ms (\(ms(bound)))", ms(cached.seconds), cached.seconds <= bound) }
        }
        if let rollout, let measured = result.figures(.rollout), let gh = measured.baselineMedian {
            let ratio = gh.seconds / rollout.seconds
            add("rollout ≥ 7 × faster than a gh secret set loop", String(format: "%.1f × ", ratio) + "(\(seconds(rollout.seconds)) against \(seconds(gh.seconds)))",
                ratio >= 7)
        }
        if let status = result.figures(.status), let median = status.median, s.repositories == 100 {
            add("status ≤ 1 s", seconds(median.seconds), median.seconds <= 1)
            if let gh = status.baselineMedian {
                let ratio = gh.seconds / median.seconds
                add("status ≥ 10 × faster than a gh secret list -R loop",
                    String(format: "%.1f × ", ratio) + "(\(seconds(median.seconds)) against \(seconds(gh.seconds)))", ratio >= 10)
            }
        }
        if let doctor = result.figures(.doctor)?.median, s.repositories == 100 {
            add("doctor ≤ 2 s", seconds(doctor.seconds), doctor.seconds <= 2)
        }
        if s.repositories >= 1_000 {
            if let rollout {
                add("rollout: wall ≤ 1.05 × the bucket's floor (\(seconds(1.05 * s.floorSeconds)))",
                    "\(seconds(rollout.seconds)) = \(String(format: "%.3f", rollout.seconds / s.floorSeconds)) × floor",
                    rollout.seconds <= 1.05 * s.floorSeconds)
            }
            for measured in result.measured {
                guard let median = measured.median else { continue }
                add("\(measured.command.rawValue): zero limit answers", "\(median.limitAnswers)", median.limitAnswers == 0)
            }
            let peak = result.measured.compactMap { $0.median?.peakBytes }.max()
            add("peak memory ≤ 30 MiB (every command)", String(format: "%.1f MiB", mib(peak)), mib(peak) <= 30)
        }
        if let rollout {
            let requests = perRepository(rollout, .rollout, s)
            add("rollout: ≤ 3 requests per repository", String(format: "%.2f", requests), requests <= 3)
        }
        if let cached {
            let keys = Double(cached.keyRequests) / Double(s.repositories)
            add("re-run: ≤ 1 key request per repository, answered 304", String(format: "%.2f (%d of %d were 304)", keys, cached.notModified, cached.keyRequests),
                keys <= 1 && cached.notModified == cached.keyRequests)
        }
        let writers = result.measured.filter { [.rollout, .rolloutCached, .rotate].contains($0.command) }.flatMap(\.runs)
        if !writers.isEmpty {
            add("every rollout and rotation delivered everywhere, exit 0",
                writers.map { "\($0.delivered ?? 0)/\(s.repositories)" }.joined(separator: ", "),
                writers.allSatisfy { $0.delivered == s.repositories && $0.exitStatus == 0 })
        }
        return targets
    }

    /// Spec §8's organization secret shared with the fleet: O(1) writes whatever the selection's size, under 2 s at 50 ms.
    static func organizationTargets(_ result: Benchmark.Result) -> [Target] {
        let s = result.scenario
        var targets: [Target] = []
        func add(_ name: String, _ measured: String, _ met: Bool?) { targets.append(Target(scenario: s.name, name: name, measured: measured, met: met)) }
        func requests(_ f: Benchmark.Figures) -> String { "\(f.writes) write(s) in \(f.requests) requests" }
        if let rollout = result.figures(.rollout)?.median {
            add("first rollout: one write (the secret created with the fleet's \(s.repositories) ids)", requests(rollout), rollout.writes == 1)
            add("first rollout: reaches every fleet repository, exit 0", "\(rollout.delivered ?? 0)/\(s.repositories), exit \(rollout.exitStatus), "
                + "\(seconds(rollout.seconds)) (the ids from the organization's repository list, 100 a page)",
                rollout.delivered == s.repositories && rollout.exitStatus == 0)
            add("first rollout: under 2 s at \(s.latencyMilliseconds) ms", seconds(rollout.seconds), rollout.seconds < 2)
        }
        if let rotate = result.figures(.rotate)?.median {
            add("rotation: O(1) writes — one PUT (key, PUT, read-back; the selection's pages read, after the first at once)", requests(rotate), rotate.writes == 1)
            add("rotation: under 2 s at \(s.latencyMilliseconds) ms", seconds(rotate.seconds), rotate.seconds < 2)
            add("rotation: reaches every fleet repository with the new token, exit 0", "\(rotate.delivered ?? 0)/\(s.repositories), exit \(rotate.exitStatus)",
                rotate.delivered == s.repositories && rotate.exitStatus == 0)
        }
        for measured in result.measured {
            guard let median = measured.median else { continue }
            add("\(measured.command.rawValue): zero limit answers", "\(median.limitAnswers)", median.limitAnswers == 0)
        }
        return targets
    }

    /// Targets across scenarios: peak memory flat in the fleet's size.
    static func flatness(_ results: [Benchmark.Result]) -> [Target] {
        let peaks = results.map { result in (result.scenario, result.measured.compactMap { $0.median?.peakBytes }.max() ?? 0) }
        guard let small = peaks.first(where: { $0.0.repositories == 9 }), let large = peaks.first(where: { $0.0.repositories >= 1_000 && !$0.0.organization }) else { return [] }
        let ratio = Double(large.1) / Double(max(1, small.1))
        return [Target(scenario: "9 → 1000 repos", name: "peak memory flat: 1,000 repositories ≤ 1.15 × 9",
                       measured: String(format: "%.1f MiB against %.1f MiB = %.2f ×", mib(large.1), mib(small.1), ratio), met: ratio <= 1.15)]
    }

    static func table(_ results: [Benchmark.Result], machine: Machine, startup: Double) -> String {
        var lines: [String] = []
        lines.append("patrol-bench: every command against the GitHub simulator behind nginx (TLS, HTTP/2, /api/v3), "
                     + "secondary limits on (GitHub's, time ×\(Int(Benchmark.timeScale))), beside Debian's gh in the same run")
        lines.append("machine: \(machine.processors) CPUs, \(machine.cpu), \(Int((Double(machine.memoryBytes) / mebibyte / 1024).rounded())) GiB, "
                     + "load \(machine.load); patrol process start (--version): \(ms(startup))")
        lines.append("")
        let header = ["scenario", "command", "runs", "wall (median)", "requests", "writes", "req/repo", "keys (304)", "peak in-flight", "limit answers",
                      "peak RSS (anonymous)", "result"]
        var rows: [[String]] = []
        for result in results {
            let s = result.scenario
            for measured in result.measured {
                guard let f = measured.median else { continue }
                let outcome = f.delivered.map { "\($0)/\(s.repositories) hold the token, exit \(f.exitStatus)" } ?? "exit \(f.exitStatus)"
                rows.append([s.name, "patrol " + measured.command.rawValue, "\(measured.runs.count)", seconds(f.seconds), "\(f.requests)", "\(f.writes)",
                             String(format: "%.2f", perRepository(f, measured.command, s)), "\(f.keyRequests) (\(f.notModified))", "\(f.peakInFlight)",
                             "\(f.limitAnswers)", String(format: "%.1f MiB (%.1f anon)", mib(f.peakBytes), mib(f.peakAnonymousBytes)), outcome])
                if let name = measured.command.baselineName, let g = measured.baselineMedian {
                    rows.append([s.name, name + String(format: " (patrol ×%.1f faster)", g.seconds / f.seconds), "\(measured.baseline.count)",
                                 seconds(g.seconds), "\(g.requests)", "\(g.writes)", String(format: "%.2f", perRepository(g, nil, s)),
                                 "\(g.keyRequests) (\(g.notModified))", "\(g.peakInFlight)", "\(g.limitAnswers)", "—",
                                 g.delivered.map { "\($0)/\(s.repositories) hold the token, exit \(g.exitStatus)" } ?? "exit \(g.exitStatus)"])
                }
            }
        }
        lines += columns([header] + rows)
        lines.append("")
        lines.append("req/repo leaves out a rollout's and a rotation's one GET /user per run. peak RSS is the patrol process's own (wait4 ru_maxrss); "
                     + "the simulator runs in the benchmark's process. Each patrol run alternates with the gh loop beside it.")
        lines.append("")
        lines.append("targets (spec §8):")
        for target in results.flatMap(targets) + flatness(results) {
            let mark = target.met.map { $0 ? "met    " : "NOT MET" } ?? "TODO   "
            lines.append("  \(mark) \(target.scenario): \(target.name): \(target.measured)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ results: [Benchmark.Result], machine: Machine, startup: Double) -> JSONValue {
        func figures(_ f: Benchmark.Figures, _ command: Command?, _ s: Benchmark.Scenario) -> JSONValue {
            .object([
                ("seconds", .number(f.seconds)), ("requests", .number(Double(f.requests))), ("writes", .number(Double(f.writes))),
                ("requestsPerRepository", .number(perRepository(f, command, s))),
                ("keyRequests", .number(Double(f.keyRequests))), ("notModified", .number(Double(f.notModified))),
                ("peakInFlight", .number(Double(f.peakInFlight))), ("limitAnswers", .number(Double(f.limitAnswers))),
                ("peakMemoryBytes", f.peakBytes.map { .number(Double($0)) } ?? .null),
                ("peakAnonymousMemoryBytes", f.peakAnonymousBytes.map { .number(Double($0)) } ?? .null),
                ("delivered", f.delivered.map { .number(Double($0)) } ?? .null), ("exitStatus", .number(Double(f.exitStatus))),
            ])
        }
        func target(_ t: Target) -> JSONValue {
            .object([("scenario", .string(t.scenario)), ("target", .string(t.name)), ("measured", .string(t.measured)),
                     ("met", t.met.map { .bool($0) } ?? .null)])
        }
        return .object([
            ("machine", .object([("processors", .number(Double(machine.processors))), ("memoryBytes", .number(Double(machine.memoryBytes))),
                                 ("cpu", .string(machine.cpu)), ("load", .string(machine.load))])),
            ("processStartSeconds", .number(startup)),
            ("timeScale", .number(Benchmark.timeScale)),
            ("scenarios", .array(results.map { result in
                let s = result.scenario
                return .object([
                    ("repositories", .number(Double(s.repositories))), ("latencyMilliseconds", .number(Double(s.latencyMilliseconds))),
                    ("organizationSecret", .bool(s.organization)),
                    ("writeRate", .number(Benchmark.writeRate)), ("writeBurst", .number(Double(Benchmark.writeBurst))),
                    ("floorSeconds", .number(s.floorSeconds)),
                    ("commands", .array(result.measured.map { measured in
                        .object([
                            ("command", .string(measured.command.rawValue)),
                            ("runs", .array(measured.runs.map { figures($0, measured.command, s) })),
                            ("median", measured.median.map { figures($0, measured.command, s) } ?? .null),
                            ("baseline", measured.command.baselineName.map { .string($0) } ?? .null),
                            ("baselineRuns", .array(measured.baseline.map { figures($0, nil, s) })),
                        ])
                    })),
                    ("targets", .array(targets(result).map(target))),
                ])
            })),
            ("targets", .array(flatness(results).map(target))),
        ])
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }
    static func seconds(_ value: Double) -> String { value < 1 ? ms(value) : String(format: "%.2f s", value) }

    /// Left-aligned columns two spaces apart.
    static func columns(_ rows: [[String]]) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces)
        }
    }
}
