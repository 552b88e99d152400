import Foundation
import PatrolSupport

/// The benchmark's table and JSON, and the §8 targets checked against the figures.
enum Report {
    struct Target {
        let scenario: String
        let name: String
        let measured: String
        let met: Bool
    }

    static let mebibyte = 1_048_576.0

    /// Requests per repository, the preflight's `GET /user` left out (it is one per run, not per repository).
    static func perRepository(_ figures: Benchmark.Figures, _ scenario: Benchmark.Scenario, preflight: Int = 1) -> Double {
        Double(figures.requests - preflight) / Double(scenario.repositories)
    }

    static func targets(_ result: Benchmark.Result) -> [Target] {
        let s = result.scenario, rollout = result.rollout, rerun = result.rerun
        var targets: [Target] = []
        if s.repositories == 9 {
            let bound = 5 * Double(s.latencyMilliseconds) / 1000 + 0.05
            targets.append(Target(scenario: s.name, name: "wall ≤ 5 × latency + 50 ms (\(ms(bound)))", measured: ms(rollout.seconds),
                                  met: rollout.seconds <= bound))
        }
        if s.repositories >= 1_000 {
            targets.append(Target(scenario: s.name, name: "zero limit answers", measured: "\(rollout.limitAnswers)", met: rollout.limitAnswers == 0))
            targets.append(Target(scenario: s.name, name: "wall ≤ 1.05 × bucket floor (\(seconds(1.05 * s.floorSeconds)))",
                                  measured: "\(seconds(rollout.seconds)) = \(String(format: "%.3f", rollout.seconds / s.floorSeconds)) × floor",
                                  met: rollout.seconds <= 1.05 * s.floorSeconds))
            let peak = Double(rollout.peakBytes ?? 0) / mebibyte
            targets.append(Target(scenario: s.name, name: "peak memory ≤ 30 MiB", measured: String(format: "%.1f MiB", peak), met: peak <= 30))
        }
        let requests = perRepository(rollout, s)
        targets.append(Target(scenario: s.name, name: "≤ 3 requests per repository (rollout)", measured: String(format: "%.2f", requests),
                              met: requests <= 3))
        let keys = Double(rerun.keyRequests) / Double(s.repositories)
        targets.append(Target(scenario: s.name, name: "≤ 1 key request per repository on a re-run, answered 304",
                              measured: String(format: "%.2f (%d of %d were 304)", keys, rerun.notModified, rerun.keyRequests),
                              met: keys <= 1 && rerun.notModified == rerun.keyRequests))
        targets.append(Target(scenario: s.name, name: "every repository delivered (rollout and re-run)",
                              measured: "\(rollout.delivered)/\(s.repositories), \(rerun.delivered)/\(s.repositories)",
                              met: rollout.delivered == s.repositories && rerun.delivered == s.repositories
                                  && rollout.exitStatus == 0 && rerun.exitStatus == 0))
        return targets
    }

    static func table(_ results: [Benchmark.Result], machine: Machine, startup: Double) -> String {
        var lines: [String] = []
        lines.append("patrol-bench: rollouts against the in-process GitHub simulator, secondary limits on (GitHub's, time ×\(Int(Benchmark.timeScale)))")
        lines.append("machine: \(machine.processors) CPUs, \(machine.cpu), \(Int((Double(machine.memoryBytes) / mebibyte / 1024).rounded())) GiB; "
                     + "patrol process start (--version): \(ms(startup))")
        lines.append("")
        let header = ["scenario", "run", "write rate/burst", "wall", "floor", "req/repo", "keys/repo (304)", "peak in-flight", "limit answers",
                      "peak RSS (anonymous)", "delivered"]
        var rows: [[String]] = []
        for result in results {
            let s = result.scenario
            let rate = "\(Int(s.writeRate))/s, \(s.writeBurst)"
            func row(_ run: String, _ f: Benchmark.Figures, rate: String, floor: String, preflight: Int) -> [String] {
                [s.name, run, rate, seconds(f.seconds), floor, String(format: "%.2f", perRepository(f, s, preflight: preflight)),
                 String(format: "%.2f (%d)", Double(f.keyRequests) / Double(s.repositories), f.notModified), "\(f.peakInFlight)",
                 "\(f.limitAnswers)", f.peakBytes.map { String(format: "%.1f MiB (%.1f anon)", Double($0) / mebibyte, Double(f.peakAnonymousBytes ?? 0) / mebibyte) } ?? "—",
                 "\(f.delivered)/\(s.repositories)"]
            }
            rows.append(row("rollout", result.rollout, rate: rate, floor: seconds(s.floorSeconds), preflight: 1))
            rows.append(row("re-run, keys cached", result.rerun, rate: rate, floor: seconds(s.floorSeconds), preflight: 1))
            if let baseline = result.baseline {
                var cells = row("gh-like loop", baseline, rate: "unpaced", floor: "—", preflight: 0)
                cells[1] = "gh-like loop (×\(String(format: "%.1f", baseline.seconds / result.rollout.seconds)) slower)"
                rows.append(cells)
            }
        }
        lines += columns([header] + rows)
        lines.append("")
        lines.append("req/repo leaves out the one GET /user preflight per run. peak RSS is the patrol process's own (wait4 ru_maxrss); "
                     + "the simulator runs in the benchmark's process.")
        lines.append("")
        lines.append("targets (spec §8):")
        for target in results.flatMap(targets) {
            lines.append("  \(target.met ? "met    " : "NOT MET") \(target.scenario): \(target.name): \(target.measured)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ results: [Benchmark.Result], machine: Machine, startup: Double) -> JSONValue {
        func figures(_ f: Benchmark.Figures, _ s: Benchmark.Scenario, preflight: Int) -> JSONValue {
            .object([
                ("seconds", .number(f.seconds)), ("requests", .number(Double(f.requests))),
                ("requestsPerRepository", .number(perRepository(f, s, preflight: preflight))),
                ("keyRequests", .number(Double(f.keyRequests))), ("notModified", .number(Double(f.notModified))),
                ("peakInFlight", .number(Double(f.peakInFlight))), ("limitAnswers", .number(Double(f.limitAnswers))),
                ("peakMemoryBytes", f.peakBytes.map { .number(Double($0)) } ?? .null),
                ("peakAnonymousMemoryBytes", f.peakAnonymousBytes.map { .number(Double($0)) } ?? .null),
                ("delivered", .number(Double(f.delivered))), ("exitStatus", .number(Double(f.exitStatus))),
            ])
        }
        return .object([
            ("machine", .object([("processors", .number(Double(machine.processors))), ("memoryBytes", .number(Double(machine.memoryBytes))),
                                 ("cpu", .string(machine.cpu))])),
            ("processStartSeconds", .number(startup)),
            ("timeScale", .number(Benchmark.timeScale)),
            ("scenarios", .array(results.map { result in
                let s = result.scenario
                return .object([
                    ("repositories", .number(Double(s.repositories))), ("latencyMilliseconds", .number(Double(s.latencyMilliseconds))),
                    ("writeRate", .number(s.writeRate)), ("writeBurst", .number(Double(s.writeBurst))),
                    ("floorSeconds", .number(s.floorSeconds)),
                    ("rollout", figures(result.rollout, s, preflight: 1)),
                    ("rerun", figures(result.rerun, s, preflight: 1)),
                    ("baseline", result.baseline.map { figures($0, s, preflight: 0) } ?? .null),
                    ("targets", .array(targets(result).map { .object([("target", .string($0.name)), ("measured", .string($0.measured)),
                                                                       ("met", .bool($0.met))]) })),
                ])
            })),
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
