#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GradlabCore

/// Loading a large recording as `gradlab --replay` and `gradlab export` do
/// (`RunFile.load`, then `RunIndex`): bytes per second, and the process's
/// peak resident memory while it loads, against the file's size.
enum RunFileBench {
    /// Records a landscape run of about `megabytes` MB with the real
    /// recorder (1,000 tracked points, about 58 kB an epoch), then loads it.
    static func run(megabytes: Int) async throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gradlab-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("run.json").path

        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = 1_000
        config.trackedPoints = 1_000
        config.optimizer.lr = 0.01
        config.epochs = max(1, megabytes * 1_000_000 / 58_000)
        let recorder = try Recorder(path: path, config: config)
        let session = try Session(config: config, sinks: [recorder], streaming: false)
        await session.start()
        await session.step(config.epochs)
        await session.finish(status: "completed")
        if let failure = recorder.failure { throw GradlabError(failure) }
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0

        // The peak is the first load's: the high-water mark is reset to the
        // current size just before it (Linux's clear_refs), so the recording
        // above does not count.
        let before = resident("VmRSS")
        let resetPeak = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        var events = 0
        var peak = 0.0
        var best = Double.infinity
        for attempt in 0..<BenchTimer.repeats {
            let start = ContinuousClock.now
            let file = try RunFile.load(path: path)
            let index = RunIndex(file)
            best = min(best, (ContinuousClock.now - start).seconds)
            if attempt == 0 {
                peak = resetPeak ? resident("VmHWM") : BenchTimer.peakResidentMiB
                events = file.events.count
            }
            precondition(index.count == config.epochs + 1, "run-file bench: the recording did not load whole")
        }
        return ["bytes": bytes, "megabytesPerSecond": Double(bytes) / 1e6 / best, "peakResidentMiB": peak,
                "residentBeforeMiB": before, "fileMiB": Double(bytes) / 1_048_576, "events": events,
                "lab": "landscape", "trackedPoints": config.trackedPoints]
    }

    /// A `/proc/self/status` figure in MiB (0 where there is none).
    private static func resident(_ key: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kilobytes / 1024
    }
}
