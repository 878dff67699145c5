import Testing
import GradlabMath
@testable import GradlabCore

/// The landscape lab's epoch is one sweep: the kernels compute f and the
/// gradient chunk by chunk, and the optimizer's rule, fused into the same
/// Program, updates each chunk while it is in cache.
/// These tests hold it to the unfused reference: a run that stores every
/// gradient, then the optimizer's whole-buffer `step`, then the summary over
/// all points. The update must agree bit for bit; the summary's sums to
/// rounding (they are added per chunk).
@Suite("Landscape sweep")
struct LandscapeSweepTests {
    static let optimizers: [(String, OptimizerConfig)] = {
        func config(_ kind: OptimizerKind, _ change: (inout OptimizerConfig) -> Void = { _ in }) -> OptimizerConfig {
            var config = OptimizerConfig(kind: kind)
            config.lr = 0.05
            change(&config)
            return config
        }
        return [
            ("sgd", config(.sgd)),
            ("sgd momentum nesterov wd", config(.sgd) { $0.momentum = 0.9; $0.nesterov = true; $0.weightDecay = 0.01 }),
            ("sgd maximize", config(.sgd) { $0.maximize = true }),
            ("adam", config(.adam)),
            ("adamw amsgrad", config(.adamw) { $0.amsgrad = true; $0.weightDecay = 0.1 }),
            ("rmsprop centered momentum", config(.rmsprop) { $0.centered = true; $0.momentum = 0.5 }),
            ("adagrad", config(.adagrad) { $0.lrDecay = 0.01 }),
        ]
    }()

    /// 3,000 points keep each parameter's last step (6,000 parameters), so
    /// the update's new positions cannot overwrite the old ones in place;
    /// 20,000 points do not keep them. 20,000 is not a whole number of chunks.
    @Test(arguments: 0..<optimizers.count, [3_000, 20_000])
    func sweepEqualsRunThenStep(optimizerIndex: Int, points: Int) throws {
        try check(Float.self, optimizerIndex: optimizerIndex, points: points)
        try check(Double.self, optimizerIndex: optimizerIndex, points: points)
    }

    private func check<T: ProgramScalar>(_ type: T.Type, optimizerIndex: Int, points: Int) throws {
        let (name, optimizerConfig) = Self.optimizers[optimizerIndex]
        var config = LabConfig(lab: .landscape)
        config.points = points
        config.dtype = T.self == Float.self ? .f32 : .f64
        config.optimizer = optimizerConfig
        config.trackedPoints = 100
        let lab = try LandscapeLab<T>(config, device: CPUDevice())

        // The reference: the same start, unfused.
        let program = Program.valueAndGradient(
            of: try Expression.parse(config.function, variables: ["x1", "x2"]), inputs: ["x1", "x2"], respect: ["x1", "x2"])
        var positions = lab.positions
        var values = [T](repeating: 0, count: points)
        var gradients = [T](repeating: 0, count: 2 * points)
        let optimizer = makeOptimizer(optimizerConfig, scalar: T.self)

        _ = try lab.startRecord()
        for epoch in 1...3 {
            let record = try lab.runEpoch()
            positions.withUnsafeMutableBufferPointer { p in
                values.withUnsafeMutableBufferPointer { v in
                    gradients.withUnsafeMutableBufferPointer { g in
                        guard let p = p.baseAddress, let v = v.baseAddress, let g = g.baseAddress else { return }
                        program.run(count: points, inputs: [.lanes(UnsafePointer(p)), .lanes(UnsafePointer(p + points))],
                                    outputs: [v, g, g + points])
                        optimizer.step(parameters: p, gradients: g, count: 2 * points)
                    }
                }
            }
            let now = lab.positions
            let moved = (0..<2 * points).filter { now[$0] != positions[$0] }
            #expect(moved.isEmpty, "\(name), \(T.self), \(points) points, epoch \(epoch): \(moved.count) parameters differ")

            let loss = values.reduce(0.0) { $0 + Double($1) } / Double(points)
            #expect(abs(record.loss - loss) <= 1e-12 * max(1, abs(loss)), "\(name) loss")
            let summary = try #require(record.summary)
            #expect(summary.fMin == Double(values.min() ?? .nan))
            #expect(summary.fMax == Double(values.max() ?? .nan))
            let meanX1 = positions[..<points].reduce(0.0) { $0 + Double($1) } / Double(points)
            let meanX2 = positions[points...].reduce(0.0) { $0 + Double($1) } / Double(points)
            #expect(abs(summary.mean.x - meanX1) <= 1e-12 * max(1, abs(meanX1)))
            #expect(abs(summary.mean.y - meanX2) <= 1e-12 * max(1, abs(meanX2)))

            // The inspector: the selected point's gradient where it is now
            // (after the step), and the norm of all the gradients the step used.
            let inspection = lab.inspect(selectedPoint: 7)
            let here = program.evaluate([now[7], now[points + 7]])
            #expect(inspection.parameters.map(\.gradient) == [Double(here[1]), Double(here[2])])
            let norm = gradients.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(inspection.gradientNorm - norm) <= 1e-12 * norm)
            #expect(inspection.optimizerSteps == epoch)
        }
    }

    /// Headless sessions have no inspector: the landscape skips the norm
    /// over every point (NaN); the selected point's gradient is still there.
    @Test func headlessLabsSkipTheGradientNorm() throws {
        var config = LabConfig(lab: .landscape)
        config.points = 5_000
        let lab = try LandscapeLab<Float>(config, device: CPUDevice())
        lab.measuresForInspector = false
        _ = try lab.startRecord()
        _ = try lab.runEpoch()
        let inspection = lab.inspect(selectedPoint: 3)
        #expect(inspection.gradientNorm.isNaN)
        #expect(inspection.parameters.allSatisfy { $0.gradient.isFinite && $0.gradient != 0 })
    }

    /// Point summaries cost a pass of their own: a session computes them
    /// only while a sink reads them (a recorder does; the headless table
    /// does not), from the moment such a sink is attached.
    @Test func summariesFollowTheSinksThatReadThem() async throws {
        final class Table: EventSink {
            func receive(_ event: Event, config: LabConfig) {}
            func finish(status: String) {}
            var readsPointSummaries: Bool { false }
        }
        final class Reader: EventSink {
            func receive(_ event: Event, config: LabConfig) {}
            func finish(status: String) {}
        }
        var config = LabConfig(lab: .landscape)
        config.points = 5_000
        config.trackedPoints = 10
        let session = try Session(config: config, sinks: [Table()], streaming: false)
        #expect(await session.start().summary == nil)
        await session.step(1)
        #expect(await session.latest?.summary == nil)
        await session.attach(Reader())
        await session.step(1)
        #expect(await session.latest?.summary != nil)
    }

    /// A NaN anywhere makes the summary's fMin and fMax NaN, as it makes the loss NaN.
    @Test func nanReachesTheSummary() throws {
        var config = LabConfig(lab: .landscape)
        config.points = 5_000
        config.trackedPoints = 10
        config.function = "log(x1 - 5)"  // NaN left of x1 = 5
        let lab = try LandscapeLab<Float>(config, device: CPUDevice())
        let record = try lab.startRecord()
        let summary = try #require(record.summary)
        #expect(summary.fMin.isNaN && summary.fMax.isNaN)
        #expect(record.loss.isNaN)
    }
}
