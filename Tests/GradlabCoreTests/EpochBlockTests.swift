import Testing
import GradlabDevice
import GradlabMath
@testable import GradlabCore

/// Epoch blocks (issue 17): the landscape lab runs several epochs chunk by
/// chunk while a chunk is in cache, so that memory is read and written once
/// per block. Everything a run shows must be the same bits as epoch by
/// epoch: every record and event, the state, and where a divergence stops.
@Suite("Epoch blocks")
struct EpochBlockTests {
    /// Every event a session publishes, as text (a Double's description is
    /// exact, and NaN reads alike).
    final class Events: EventSink, @unchecked Sendable {
        var lines: [String] = []
        func receive(_ event: Event, config: LabConfig) { lines.append("\(event)") }
        func finish(status: String) {}
    }

    static func config(_ optimizer: OptimizerConfig, points: Int = 40_000, dtype: DType = .f32) -> LabConfig {
        var config = LabConfig(lab: .landscape)
        config.device = "cpu"
        config.points = points
        config.dtype = dtype
        config.optimizer = optimizer
        config.trackedPoints = 50
        return config
    }

    static func optimizer(_ kind: OptimizerKind, lr: Double = 0.05, _ change: (inout OptimizerConfig) -> Void = { _ in }) -> OptimizerConfig {
        var config = OptimizerConfig(kind: kind)
        config.lr = lr
        change(&config)
        return config
    }

    static let optimizers: [OptimizerConfig] = [
        optimizer(.sgd),
        optimizer(.sgd) { $0.momentum = 0.9; $0.nesterov = true },
        optimizer(.adam),
        optimizer(.adamw) { $0.amsgrad = true; $0.weightDecay = 0.1 },
        optimizer(.rmsprop) { $0.centered = true; $0.momentum = 0.5 },
        optimizer(.adagrad),
        optimizer(.radam),
    ]

    /// Runs `config` for `epochs` epochs in steps of `slice` (1: epoch by
    /// epoch, with no block), returning the events and the final state.
    static func run(_ config: LabConfig, epochs: Int, slice: Int,
                    between: (Session) async throws -> Void = { _ in }) async throws -> (events: [String], state: String) {
        let events = Events()
        let session = try Session(config: config, sinks: [events], streaming: false)
        await session.start()
        var done = 0
        while done < epochs, !(await session.isDiverged) {
            let n = min(slice, epochs - done)
            await session.step(n)
            done += n
            if done == epochs / 2 { try await between(session) }
        }
        var state = "epoch \(await session.epoch) diverged \(await session.isDiverged)"
        if config.compare == nil {
            let checkpoint = try await session.checkpoint()
            state += " \(checkpoint.params) \(checkpoint.optimizer.buffers) \(checkpoint.optimizer.stepCount)"
        }
        let inspection = await session.inspect(selectedPoint: 3)
        state += " \(inspection.parameters) \(inspection.gradientNorm.bitPattern)"
        return (events.lines, state)
    }

    /// 40,000 points (two workers, a last chunk that is not whole), 21
    /// epochs in steps of 21 against steps of 1: blocks of 16 and 5.
    @Test(arguments: 0..<optimizers.count)
    func blocksEqualEpochByEpoch(index: Int) async throws {
        for dtype in [DType.f32, .f64] {
            let config = Self.config(Self.optimizers[index], dtype: dtype)
            let single = try await Self.run(config, epochs: 21, slice: 1)
            let blocked = try await Self.run(config, epochs: 21, slice: 21)
            // The device, the start and 21 epochs.
            #expect(single.events.count == 23)
            let sameEvents = blocked.events == single.events, sameState = blocked.state == single.state
            #expect(sameEvents, "\(config.optimizer.kind) \(dtype): records differ")
            #expect(sameState, "\(config.optimizer.kind) \(dtype): state differs")
        }
    }

    /// The lab runs a block of as many epochs as asked, up to its limit,
    /// and SGD's first momentum step (a form of its own) alone.
    @Test func blockLengths() throws {
        let lab = try LandscapeLab<Float>(Self.config(Self.optimizer(.sgd) { $0.momentum = 0.9 }, points: 5_000), device: CPUDevice())
        _ = try lab.startRecord()
        #expect(try lab.runEpochs(upTo: 10).map(\.epoch) == [1])
        #expect(try lab.runEpochs(upTo: 10).map(\.epoch) == Array(2...11))
        #expect(try lab.runEpochs(upTo: 100).count == LandscapeLab<Float>.epochBlockLimit)
    }

    /// What the TUI's inspector reads (the gradient norm over every point,
    /// the tracked gradients, the optimizer state) after a block equals it
    /// after the same epochs one by one.
    @Test func theInspectorSeesTheSameAfterABlock() throws {
        let config = Self.config(Self.optimizer(.adam), points: 40_000)
        let single = try LandscapeLab<Float>(config, device: CPUDevice())
        let blocked = try LandscapeLab<Float>(config, device: CPUDevice())
        for lab in [single, blocked] {
            lab.measuresForInspector = true
            _ = try lab.startRecord()
        }
        var one: [String] = []
        for _ in 0..<12 { one.append("\(try single.runEpoch())") }
        let block = try blocked.runEpochs(upTo: 12).map { "\(String(describing: $0))" }
        #expect(block == one)
        for point in [0, 7, 39_999] {
            let a = single.inspect(selectedPoint: point), b = blocked.inspect(selectedPoint: point)
            #expect("\(a)" == "\(b)")
            #expect(a.gradientNorm.isFinite && a.gradientNorm > 0)
        }
    }

    /// A schedule changes the rate between the epochs of a block; a command
    /// halfway (a new lr), `--compare` groups and a dropped point.
    @Test func schedulesCommandsGroupsAndDroppedPoints() async throws {
        var scheduled = Self.config(Self.optimizer(.adam))
        scheduled.schedule = .step(stepSize: 3, gamma: 0.5)
        var compared = Self.config(Self.optimizer(.sgd), points: 20_000)
        compared.compare = [Self.optimizer(.sgd), Self.optimizer(.adam, lr: 0.1), Self.optimizer(.sgd, lr: 0.01) { $0.momentum = 0.9 }]
        for config in [scheduled, compared] {
            let between: (Session) async throws -> Void = { session in
                try await session.setLearningRate(0.02)
                try await session.addPoint(SIMD2(1.5, 2.5))
            }
            let single = try await Self.run(config, epochs: 40, slice: 1, between: between)
            let blocked = try await Self.run(config, epochs: 40, slice: 20, between: between)
            let sameEvents = blocked.events == single.events, sameState = blocked.state == single.state
            #expect(sameEvents)
            #expect(sameState)
        }
    }

    /// A divergence inside a block: the run stops at the same epoch with the
    /// same state and the same events as epoch by epoch (the block is re-run
    /// to it unseen).
    @Test(arguments: [OptimizerKind.sgd, .adam])
    func aDivergenceInsideABlockStopsWhereEpochByEpochStops(kind: OptimizerKind) async throws {
        // Adam moves each point by about lr a step: 1e10 overflows x1^4 at the second.
        var config = Self.config(Self.optimizer(kind, lr: kind == .sgd ? 0.9 : 1e10), points: 20_000)
        config.function = "x1^4 + x2^2"
        config.domain = [-3, 3, -3, 3]
        let single = try await Self.run(config, epochs: 64, slice: 1)
        let blocked = try await Self.run(config, epochs: 64, slice: 64)
        let diverged = single.state.contains("diverged true")
        #expect(diverged)
        // Not on a block's last epoch, so the block ran past it (the events:
        // the device, the start, the epochs and the divergence).
        let stopped = single.events.count - 3
        #expect(stopped % LandscapeLab<Float>.epochBlockLimit != 0, "diverged at epoch \(stopped)")
        let sameEvents = blocked.events == single.events, sameState = blocked.state == single.state
        #expect(sameEvents)
        #expect(sameState)
    }

    /// The device's block equals its runs one by one, bit for bit, at every
    /// kernel level and thread count (ProgramSweep's block directly).
    @Test(arguments: [1, 2])
    func sweepBlockEqualsRunByRun(threads: Int) throws {
        let program = Program.valueAndGradient(
            of: try Expression.parse("sin(x1)*cos(x2) + x1*x2/50 - a*x1", variables: ["x1", "x2", "a"]),
            inputs: ["x1", "x2", "a"], respect: ["x1", "x2"])
        let n = 5_003
        // f summed, extremes of f, squares of the gradient, lanes 0..<7 of
        // the gradient copied; x1 moved in place by -0.01 df/dx1 each run.
        var composer = ProgramComposer(extending: program)
        let moved = composer.binary(.subtract, composer.input("x1"),
                                    composer.binary(.multiply, composer.constant(0.01), composer.baseOutputs[1]))
        let stepped = composer.program(outputs: [("f", composer.baseOutputs[0]), ("g1", composer.baseOutputs[1]),
                                                 ("g2", composer.baseOutputs[2]), ("x1'", moved)])
        let shape = SweepShape(lanes: [true, true, false], stored: [false, false, false, true], inPlace: [nil, nil, nil, 0],
                               summed: [0], extremesOf: 0, squaresOf: [1, 2], prefixOutputs: [1, 3])
        func fresh() -> [Float] { (0..<n).map { Float($0 % 97) * 0.13 - 6 } }
        let x2: [Float] = (0..<n).map { Float($0 % 89) * 0.11 - 4 }
        let rates: [Float] = [0.5, -1, 2, 0.25, 3]
        var byRun = fresh(), byBlock = fresh()
        let one = ProgramSweep<Float>(stepped, shape: shape), block = ProgramSweep<Float>(stepped, shape: shape)
        var expected: [SweepTotals] = [], expectedCopies: [[Float]] = []
        let copies = UnsafeMutablePointer<Float>.allocate(capacity: 2 * 7 * rates.count)
        defer { copies.deallocate() }
        byRun.withUnsafeMutableBufferPointer { x1 in
            x2.withUnsafeBufferPointer { x2 in
                guard let x1 = x1.baseAddress, let x2 = x2.baseAddress else { return }
                for a in rates {
                    expected.append(one.run(count: n, inputs: [.lanes(UnsafePointer(x1)), .lanes(x2), .uniform(a)],
                                            outputs: [nil, nil, nil, x1], prefix: 7, prefixTargets: [copies, copies + 7], threads: threads))
                    expectedCopies.append(Array(UnsafeBufferPointer(start: copies, count: 14)))
                }
            }
        }
        var got: [SweepTotals] = []
        byBlock.withUnsafeMutableBufferPointer { x1 in
            x2.withUnsafeBufferPointer { x2 in
                guard let x1 = x1.baseAddress, let x2 = x2.baseAddress else { return }
                got = block.runBlock(count: n, inputs: rates.map { [.lanes(UnsafePointer(x1)), .lanes(x2), .uniform($0)] },
                                     outputs: [nil, nil, nil, x1], prefix: 7,
                                     prefixTargets: [copies, copies + 7 * rates.count], threads: threads)
            }
        }
        #expect(byBlock == byRun)
        // As text: the sums not asked for are NaN.
        #expect("\(got)" == "\(expected)")
        for r in rates.indices {
            let gradient = Array(UnsafeBufferPointer(start: copies + 7 * r, count: 7))
            let position = Array(UnsafeBufferPointer(start: copies + 7 * rates.count + 7 * r, count: 7))
            #expect(gradient + position == expectedCopies[r], "run \(r)")
        }
    }
}
