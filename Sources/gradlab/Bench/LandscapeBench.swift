import GradlabCore
import GradlabMath

/// Landscape throughput in point-steps per second (points x optimizer steps).
enum LandscapeBench {
    /// The app's path: a `Session` running the landscape lab (gradient,
    /// mean loss, optimizer step and the tracked points' record per epoch),
    /// as `--headless` runs it, for several optimizers (or functions), in
    /// point-steps per second. Measured in ``rounds`` rounds: each round
    /// times every session once, starting one session later than the round
    /// before, and each keeps its best round. A slow moment of the machine
    /// then falls on every row alike, so their ratios (each optimizer
    /// against plain SGD, each function against the tutorial's) move less
    /// than when each row takes its runs one after another.
    static let rounds = 5

    /// Each of `count` rows' best time in seconds over ``rounds`` rounds,
    /// every round running each row once (`run(k)`), starting one row later
    /// than the round before.
    static func interleavedBest(count: Int, _ run: (Int) async throws -> Void) async rethrows -> [Double] {
        var best = Array(repeating: Double.infinity, count: count)
        for round in 0..<rounds {
            for offset in 0..<count {
                let k = (round + offset) % count
                let start = ContinuousClock.now
                try await run(k)
                best[k] = min(best[k], (ContinuousClock.now - start).seconds)
            }
        }
        return best
    }

    /// With `warmup`, each session first runs that many epochs untimed:
    /// the speed of a long run's later epochs (see ``lateEpochs``).
    static func sessions(
        function: String, dtype: DType, points: Int, steps: Int, optimizers: [OptimizerConfig], warmup: Int = 1
    ) async throws -> [Double] {
        try await sessions(optimizers.map { (function, $0) }, dtype: dtype, points: points, steps: steps, warmup: warmup)
    }

    /// Epochs before the bench's late rows (`session_late_*`): by then Adam
    /// has driven some of the tutorial's points so close to x2 = 0 that
    /// products underflow, which is slow (docs/performance.md, "Subnormals
    /// in long runs").
    static let lateEpochs = 2_000

    /// The same for several functions with the default optimizer.
    static func sessions(functions: [String], dtype: DType, points: Int, steps: Int) async throws -> [Double] {
        try await sessions(functions.map { ($0, nil) }, dtype: dtype, points: points, steps: steps)
    }

    private static func sessions(
        _ runs: [(function: String, optimizer: OptimizerConfig?)], dtype: DType, points: Int, steps: Int, warmup: Int = 1
    ) async throws -> [Double] {
        var sessions: [Session] = []
        for (function, optimizer) in runs {
            var config = LabConfig(lab: .landscape)
            if let optimizer { config.optimizer = optimizer }
            config.function = function
            config.dtype = dtype
            config.points = points
            config.epochs = rounds * steps + warmup
            config.device = "cpu"
            let session = try Session(config: config, streaming: false)  // as --headless runs it
            await session.start()
            await session.step(warmup)  // warm: caches, lazily allocated optimizer state
            sessions.append(session)
        }
        let best = await interleavedBest(count: sessions.count) { k in await sessions[k].step(steps) }
        for session in sessions { await session.finish(status: "completed") }
        sessions = []
        #if os(Linux)
        // Many sessions at once leave freed heap behind; give it back, so
        // that the run-file bench's resident peak counts only its own load.
        _ = glibcMallocTrim(0)
        #endif
        return best.map { Double(points) * Double(steps) / $0 }
    }

    /// One sweep per step through GradlabMath's fused run: the gradient and
    /// the mean of f per chunk, and SGD (`ProgramDescent`, p += -lr * g)
    /// applied to each chunk while it is in cache. With `storingGradients`
    /// the gradients are also written out (as a lab that shows them would).
    /// This is the landscape step once the lab uses
    /// `Program.run(count:inputs:outputs:sums:threads:descent:afterChunk:)`.
    static func fused<T: ProgramScalar>(
        _ type: T.Type, function: String, points: Int, steps: Int, storingGradients: Bool = false
    ) async throws -> Double {
        try await fused(T.self, functions: [function], points: points, steps: steps, storingGradients: storingGradients)[0]
    }

    /// The same for several functions, in ``rounds`` interleaved rounds as
    /// ``sessions(function:dtype:points:steps:optimizers:)`` measures: each
    /// round times every function once (starting one later each round), each
    /// keeps its best round, so a slow moment of the machine falls on one
    /// round of every function rather than on one function's every run.
    static func fused<T: ProgramScalar>(
        _ type: T.Type, functions: [String], points: Int, steps: Int, storingGradients: Bool = false
    ) async throws -> [Double] {
        let sweeps = try functions.map { try FusedSweep<T>(function: $0, points: points, storingGradients: storingGradients) }
        for sweep in sweeps { sweep.step() }
        let best = await interleavedBest(count: sweeps.count) { k in for _ in 0..<steps { sweeps[k].step() } }
        precondition(sweeps.allSatisfy(\.converged), "landscape bench diverged")
        return best.map { Double(points) * Double(steps) / $0 }
    }

    /// sin x and cos x of 4,096 lanes (one sincos step), again and again on
    /// one thread, in lanes per second: the vector functions alone.
    static func sincosLanesPerSecond<T: ProgramScalar>(_ type: T.Type) throws -> Double {
        let expression = try Expression.parse("sin(x) * cos(x)", variables: ["x"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x"], respect: [])
        let lanes = 4_096, rounds = 2_000
        let x = UnsafeMutablePointer<T>.allocate(capacity: lanes)
        defer { x.deallocate() }
        for i in 0..<lanes { x[i] = T(Double(i) * 0.01 - 20) }
        var sums = [0.0]
        program.run(count: lanes, inputs: [.lanes(x)], outputs: [nil], sums: &sums, threads: 1)
        let seconds = BenchTimer.seconds {
            for _ in 0..<rounds { program.run(count: lanes, inputs: [.lanes(x)], outputs: [nil], sums: &sums, threads: 1) }
        }
        return Double(lanes * rounds) / seconds
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (not in the Glibc module's headers).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// One function's fused landscape sweep (``LandscapeBench/fused(_:functions:points:steps:storingGradients:)``):
/// its program, its points and its sums, owned until it is released.
final class FusedSweep<T: ProgramScalar> {
    private let program: Program
    private let points: Int
    private let parameters: UnsafeMutablePointer<T>
    private let gradients: UnsafeMutablePointer<T>?
    private let outputs: [UnsafeMutablePointer<T>?]
    private let descent = ProgramDescent(step: T(-1e-3), pairs: [(0, 1), (1, 2)])
    private var sums = [0.0, 0.0, 0.0]

    init(function: String, points: Int, storingGradients: Bool) throws {
        let expression = try Expression.parse(function, variables: ["x1", "x2"])
        program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        self.points = points
        parameters = UnsafeMutablePointer<T>.allocate(capacity: 2 * points)
        BenchTimer.startPoints(points, into: parameters)
        if storingGradients {
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: 2 * points)
            buffer.initialize(repeating: 0, count: 2 * points)
            gradients = buffer
            outputs = [nil, buffer, buffer + points]
        } else {
            gradients = nil
            outputs = [nil, nil, nil]
        }
    }

    deinit {
        parameters.deallocate()
        gradients?.deallocate()
    }

    /// Whether f's mean stayed finite.
    var converged: Bool { sums[0].isFinite }

    func step() {
        program.run(count: points, inputs: [.lanes(parameters), .lanes(parameters + points)], outputs: outputs,
                    sums: &sums, descent: descent)
    }
}
