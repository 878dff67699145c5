import ArgumentParser
import Foundation
import GradlabCore
import GradlabMath
import GradlabUI

/// `gradlab bench`: throughput of every lab and of a frame, as JSON.
///
/// `Benchmarks/compare.sh` runs it next to the tutorial's NumPy and PyTorch
/// code and prints the ratios; `docs/performance.md` keeps the figures.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput (landscape, per-sample SGD, quadratic, frames) and print JSON.",
        usage: Usage.wrapped("gradlab bench [--points <points>] [--steps <steps>] [--quick] [--no-frame] [--kernels-only] [--frame-only] [--run-file-only] [--optimizers-only] [--functions-only] [--memory <path>]"),
        discussion: """
        Examples:
          gradlab bench            # 1,000,000 points x 20 steps, and the rest
          gradlab bench --quick    # a few seconds, smaller sizes
          gradlab bench --memory session --points 10000000   # peak memory only
        Set GRADLAB_SIMD=sse2|avx2|avx512 to run a narrower kernel set.
        """
    )

    /// The function a user might type, of about the tutorial function's cost
    /// (the first of ``UserFunctionBench/functions``).
    static var userFunction: String { UserFunctionBench.functions[0].function }

    /// The optimizers timed on the landscape beside plain SGD (torch defaults
    /// but the learning rate, which stays small so no run diverges).
    static var optimizerRows: [(String, OptimizerConfig)] {
        func make(_ kind: OptimizerKind, _ change: (inout OptimizerConfig) -> Void = { _ in }) -> OptimizerConfig {
            var config = OptimizerConfig(kind: kind)
            config.lr = 1e-3
            change(&config)
            return config
        }
        return [
            ("sgd", make(.sgd)),
            ("sgd_momentum", make(.sgd) { $0.momentum = 0.9 }),
            ("adam", make(.adam)),
            ("adamw", make(.adamw)),
            ("rmsprop", make(.rmsprop)),
            ("adagrad", make(.adagrad)),
            ("nadam", make(.nadam)),
            ("radam", make(.radam)),
            ("adamax", make(.adamax)),
            ("adadelta", make(.adadelta)),
            ("rprop", make(.rprop)),
        ]
    }

    @Option(parsing: .unconditional, help: "Landscape points.", transform: WholeNumber.int) var points: Int?
    @Option(parsing: .unconditional, help: "Landscape optimizer steps per measurement.", transform: WholeNumber.int) var steps: Int?
    @Flag(help: "Small sizes: a quick smoke run.") var quick = false
    @Flag(help: "Skip the frame benchmark.") var noFrame = false
    @Flag(help: "Only the fused landscape kernels (for profiling).") var kernelsOnly = false
    @Flag(help: "Only the frame benchmark (for profiling; 100 frames of each kind).") var frameOnly = false
    @Flag(help: "Only loading a recorded run file (200 MB; 20 MB with --quick; for profiling).") var runFileOnly = false
    @Flag(help: "Only every optimizer on the landscape (for profiling).") var optimizersOnly = false
    @Flag(help: "Only the tutorial and user-typed functions on the landscape (for profiling).") var functionsOnly = false

    @Option(help: ArgumentHelp("Measure only peak memory of a Float landscape with Adam: session or kernel.",
                               valueName: "path"))
    var memory: String?

    /// The most `--steps`: the sessions run ``LandscapeBench/rounds`` times
    /// as many epochs, which must stay an Int (more trapped on the overflow).
    static let maximumSteps = 1_000_000_000

    func validate() throws {
        if let points, points < 1 { throw ValidationError("--points must be at least 1") }
        if let points {
            // The kernel benches allocate the coordinates themselves: a count past
            // memory trapped on the size (or in the allocator) instead of saying so.
            let (bytes, overflow) = points.multipliedReportingOverflow(by: 2 * MemoryLayout<Double>.stride)
            if overflow {
                throw ValidationError("--points \(points): far too many points (their coordinates would take more bytes than a 64-bit size holds)")
            }
            if let available = SystemMemory.available(), bytes > available.bytes {
                throw ValidationError("--points \(points): the points alone need \(SystemMemory.format(bytes)) (f64), "
                                      + "\(SystemMemory.format(available.bytes)) of memory available (\(available.source))")
            }
        }
        if let steps, !(1...Self.maximumSteps).contains(steps) {
            throw ValidationError("--steps must be from 1 to \(Self.maximumSteps), got \(steps)")
        }
        if let memory, !["session", "kernel"].contains(memory) { throw ValidationError("--memory is session or kernel") }
    }

    func run() async throws {
        if runFileOnly {
            Self.emit(["runFile": try await RunFileBench.run(megabytes: quick ? 20 : 200)])
            return
        }
        if frameOnly {
            Self.emit(["frame": Self.frameJSON(await Self.frame(iterations: 100)), "zoomField": ZoomBench.run(iterations: 50)])
            return
        }
        if let memory {
            let count = points ?? 10_000_000
            let peak = memory == "session" ? try await MemoryBench.session(points: count) : try MemoryBench.kernel(points: count)
            let raw = MemoryBench.rawMiB(points: count)
            Self.emit(["memory": ["path": memory, "points": count, "rawMiB": raw, "peakMiB": peak, "ratio": peak / raw]])
            return
        }
        let count = points ?? (quick ? 100_000 : 1_000_000)
        let stepCount = steps ?? (quick ? 5 : 20)
        var landscape: [String: Any] = [:]
        if optimizersOnly {
            try await Self.optimizers(into: &landscape, points: count, steps: stepCount)
            Self.emit(["landscape": ["points": count, "steps": stepCount, "pointStepsPerSecond": landscape]])
            return
        }
        // The tutorial's function, then the user-typed set (UserFunctionBench):
        // `user_<name>` rows, and `user` for the first of them as before.
        let functions = [("default", LabConfig.tutorialFunction)]
            + UserFunctionBench.functions.map { ("user_" + $0.name, $0.function) }
        if functionsOnly {
            try await Self.functions(functions, into: &landscape, points: count, steps: stepCount)
            Self.emit(["landscape": ["points": count, "steps": stepCount, "pointStepsPerSecond": landscape]])
            return
        }
        if kernelsOnly {
            try await Self.fused(functions, into: &landscape, points: count, steps: stepCount)
        } else {
            try await Self.functions(functions, into: &landscape, points: count, steps: stepCount)
        }
        for path in ["session", "fused"] {
            for dtype in ["f32", "f64"] {
                landscape["\(path)_user_\(dtype)"] = landscape["\(path)_user_\(UserFunctionBench.functions[0].name)_\(dtype)"]
            }
        }
        if !kernelsOnly { try await Self.optimizers(into: &landscape, points: count, steps: stepCount) }
        landscape["fusedStoringGradients_default_f32"] = try await LandscapeBench.fused(
            Float.self, function: LabConfig.tutorialFunction, points: count, steps: stepCount, storingGradients: true)
        landscape["fusedStoringGradients_default_f64"] = try await LandscapeBench.fused(
            Double.self, function: LabConfig.tutorialFunction, points: count, steps: stepCount, storingGradients: true)
        // One core's sin and cos of one value (one sincos step, in cache):
        // the floor under the tutorial's four pairs per point.
        let sincos: [String: Any] = [
            "f32": try LandscapeBench.sincosLanesPerSecond(Float.self),
            "f64": try LandscapeBench.sincosLanesPerSecond(Double.self),
        ]
        if kernelsOnly {
            Self.emit(["landscape": ["points": count, "steps": stepCount, "pointStepsPerSecond": landscape],
                       "sincosLanesPerSecondOneCore": sincos])
            return
        }
        let linearEpochs = quick ? 2_000 : 20_000
        let linear = try await LabBench.linearSession(epochs: linearEpochs)
        var result: [String: Any] = [
            "machine": ["simdLevel": SIMDLevel.active.rawValue, "detected": SIMDLevel.detected.rawValue,
                        "cores": ProcessInfo.processInfo.activeProcessorCount, "cpu": MachineDescription.cpu,
                        "vectorFlags": MachineDescription.vectorFlags],
            "landscape": ["points": count, "steps": stepCount, "userFunction": Self.userFunction,
                          "userFunctions": Dictionary(uniqueKeysWithValues: UserFunctionBench.functions.map { ($0.name, $0.function) }),
                          "pointStepsPerSecond": landscape],
            "sincosLanesPerSecondOneCore": sincos,
            "linear": ["trainSamples": linear.trainSamples, "epochs": linearEpochs,
                       "sessionStepsPerSecond": linear.stepsPerSecond,
                       "directStepsPerSecond": try LabBench.linearDirect(epochs: linearEpochs)],
            "quadratic": ["epochsPerSecond": try await LabBench.quadraticSession(epochs: quick ? 2_000 : 20_000)],
        ]
        if !noFrame {
            result["frame"] = Self.frameJSON(await Self.frame(iterations: quick ? 5 : 20))
            result["zoomField"] = ZoomBench.run(iterations: quick ? 5 : 20)
        }
        result["peakResidentMiB"] = BenchTimer.peakResidentMiB
        result["runFile"] = try await RunFileBench.run(megabytes: quick ? 20 : 200)
        Self.emit(result)
    }

    /// `functions` ((row name, expression)) on the app's path, in Float and
    /// Double, in interleaved rounds per type (LandscapeBench.sessions: the
    /// shares against the tutorial function move less), and through the
    /// fused run.
    static func functions(_ functions: [(String, String)], into landscape: inout [String: Any], points: Int, steps: Int) async throws {
        for dtype in [DType.f32, .f64] {
            let speeds = try await LandscapeBench.sessions(functions: functions.map(\.1), dtype: dtype, points: points, steps: steps)
            for ((name, _), speed) in zip(functions, speeds) { landscape["session_\(name)_\(dtype.rawValue)"] = speed }
        }
        try await fused(functions, into: &landscape, points: points, steps: steps)
    }

    /// `functions` through the fused run (LandscapeBench.fused), in Float and
    /// Double, in interleaved rounds per type.
    static func fused(_ functions: [(String, String)], into landscape: inout [String: Any], points: Int, steps: Int) async throws {
        for dtype in [DType.f32, .f64] {
            let speeds = dtype == .f32
                ? try await LandscapeBench.fused(Float.self, functions: functions.map(\.1), points: points, steps: steps)
                : try await LandscapeBench.fused(Double.self, functions: functions.map(\.1), points: points, steps: steps)
            for ((name, _), speed) in zip(functions, speeds) { landscape["fused_\(name)_\(dtype.rawValue)"] = speed }
        }
    }

    /// Every optimizer on the app's path (tutorial function, Float): the
    /// target is at least 0.7 of plain SGD's point-steps per second.
    static func optimizers(into landscape: inout [String: Any], points: Int, steps: Int) async throws {
        let rows = optimizerRows
        let speeds = try await LandscapeBench.sessions(function: LabConfig.tutorialFunction, dtype: .f32, points: points,
                                                       steps: steps, optimizers: rows.map(\.1))
        for ((name, _), speed) in zip(rows, speeds) { landscape["session_optimizer_\(name)_f32"] = speed }
        // Plain SGD and Adam after a long run (no target: what a user who
        // leaves Adam running meets).
        let late = rows.filter { ["sgd", "adam"].contains($0.0) }
        let lateSpeeds = try await LandscapeBench.sessions(
            function: LabConfig.tutorialFunction, dtype: .f32, points: points, steps: steps, optimizers: late.map(\.1),
            warmup: LandscapeBench.lateEpochs)
        for ((name, _), speed) in zip(late, lateSpeeds) { landscape["session_late_\(name)_f32"] = speed }
    }

    /// The frame benchmark's figures, in milliseconds (medians).
    struct FrameTimes {
        var full: (buildMilliseconds: Double, flushMilliseconds: Double?)
        var incremental: (buildMilliseconds: Double, flushMilliseconds: Double?)
        /// The same full frames flushed through ncurses: the peer of the direct writer.
        var ncursesFlushMilliseconds: Double?
    }

    /// The frame benchmark: from scratch, and as the live lab draws (incremental trails).
    @MainActor
    static func frame(iterations: Int) -> FrameTimes {
        FrameTimes(
            full: FrameBenchmark.run(width: 200, height: 60, trajectories: 1000, epochs: 1000, iterations: iterations),
            incremental: FrameBenchmark.runIncremental(width: 200, height: 60, trajectories: 1000, epochs: 1000,
                                                       iterations: iterations),
            ncursesFlushMilliseconds: FrameBenchmark.flush(FrameBenchmark.alternatingScreens(), width: 200, height: 60,
                                                           iterations: iterations, writer: .ncurses))
    }

    static func frameJSON(_ times: FrameTimes) -> [String: Any] {
        func value(_ milliseconds: Double?) -> Any { milliseconds.map { $0 as Any } ?? NSNull() }
        return ["width": 200, "height": 60, "trajectories": 1000, "epochs": 1000,
                "buildMs": times.full.buildMilliseconds, "flushMs": value(times.full.flushMilliseconds),
                "totalMs": value(times.full.flushMilliseconds.map { $0 + times.full.buildMilliseconds }),
                "incrementalBuildMs": times.incremental.buildMilliseconds,
                "incrementalFlushMs": value(times.incremental.flushMilliseconds),
                "ncursesFlushMs": value(times.ncursesFlushMilliseconds)]
    }

    static func emit(_ object: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
              let text = String(data: data, encoding: .utf8) else { return }
        print(text)
    }
}
