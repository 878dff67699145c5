import Testing
@testable import GradlabMath
@testable import GradlabCore

/// The newer optimizers' update Programs give the same bits on every CPU
/// path: the reference evaluator, the sequential `ScalarProgram`, and the
/// chunk kernels at each SIMD level this machine has, including at 0, ±0,
/// ±inf and NaN (Rprop's sign masks, Adamax's NaN-propagating maximum).
@Suite("Optimizer updates on every CPU path")
struct OptimizerRuleKernelTests {
    static let configs: [OptimizerConfig] = {
        func make(_ kind: OptimizerKind, _ change: (inout OptimizerConfig) -> Void = { _ in }) -> OptimizerConfig {
            var config = OptimizerConfig(kind: kind)
            change(&config)
            return config
        }
        return [
            make(.nadam) { $0.weightDecay = 0.01 },
            make(.nadam) { $0.weightDecay = 0.01; $0.decoupledWeightDecay = true; $0.maximize = true },
            make(.radam) { $0.weightDecay = 0.01; $0.beta1 = 0.45 },
            make(.radam) { $0.weightDecay = 0.01; $0.decoupledWeightDecay = true },
            make(.adamax) { $0.weightDecay = 0.01 },
            make(.adadelta) { $0.rho = 0.5; $0.maximize = true },
            make(.rprop),
            make(.rprop) { ($0.etaMinus, $0.etaPlus, $0.stepSizeMin, $0.stepSizeMax) = (0.4, 1.3, 1e-4, 1) },
        ]
    }()

    /// Values that exercise the edges, cycled over the lanes.
    static let edges: [Double] = [0, -0.0, 1, -1, 0.5, -2.5, 1e-300, -1e-300, 3e38, .infinity, -.infinity, .nan, 7.25, -0.125, 1e-8]

    @Test(arguments: configs)
    func everyPathGivesTheSameBits(_ config: OptimizerConfig) {
        check(config, as: Double.self)
        check(config, as: Float.self)
    }

    private func check<T: ProgramScalar>(_ config: OptimizerConfig, as _: T.Type) {
        let lanes = 257
        for variant in Set([config.kind.rule.variant(config, step: 1), config.kind.rule.variant(config, step: 7)]) {
            var composer = ProgramComposer()
            let p = composer.input("p"), g = composer.input("g")
            let group = OptimizerGroup<T>(config, size: lanes)
            let emission = group.emit(into: composer, parameters: [("p", p, g)], variant: variant, tracksSteps: false)
            let program = emission.composer.program(outputs: emission.outputs.map { ($0.name, $0.value) })
            let scalars = group.scalars(emission, step: 7).map { T($0) }
            let roles = Dictionary(emission.inputs.map { ($0.name, $0.role) }, uniquingKeysWith: { first, _ in first })
            // Per input: its lane values, or nil for a scalar (uniform).
            let columns: [[T]?] = program.inputs.enumerated().map { k, name in
                if case .scalar = roles[name] { return nil }
                return (0..<lanes).map { i in T(Self.edges[(i * (k + 3) + i / Self.edges.count) % Self.edges.count]) }
            }
            func value(_ k: Int, lane i: Int) -> T {
                if let column = columns[k] { return column[i] }
                guard case .scalar(let slot)? = roles[program.inputs[k]] else { return .nan }
                return scalars[slot]
            }
            let reference = (0..<lanes).map { i in program.evaluate((0..<program.inputs.count).map { value($0, lane: i) }) }
            let scalarProgram = ScalarProgram<T>(program)
            for i in 0..<lanes {
                let inputs = (0..<program.inputs.count).map { value($0, lane: i) }
                var results = [T](repeating: 0, count: program.outputCount)
                inputs.withUnsafeBufferPointer { source in
                    results.withUnsafeMutableBufferPointer { target in
                        if let s = source.baseAddress, let t = target.baseAddress { scalarProgram.evaluate(s, into: t) }
                    }
                }
                #expect(same(results, reference[i]), "\(config.summary) \(T.self) ScalarProgram, lane \(i): \(results) vs \(reference[i])")
            }
            for level in SIMDLevel.available {
                let outputs = (0..<program.outputCount).map { _ in UnsafeMutablePointer<T>.allocate(capacity: lanes) }
                let buffers = columns.map { column in column.map { values in
                    let buffer = UnsafeMutablePointer<T>.allocate(capacity: lanes)
                    buffer.initialize(from: values, count: lanes)
                    return buffer
                } }
                defer {
                    for buffer in outputs { buffer.deallocate() }
                    for buffer in buffers { buffer?.deallocate() }
                }
                let inputs: [ProgramInput<T>] = (0..<program.inputs.count).map { k in
                    if let buffer = buffers[k] { return .lanes(UnsafePointer(buffer)) }
                    return .uniform(value(k, lane: 0))
                }
                program.run(count: lanes, inputs: inputs, outputs: outputs.map { Optional($0) }, sums: nil, threads: 1, level: level)
                for i in 0..<lanes {
                    let lane = outputs.map { $0[i] }
                    #expect(same(lane, reference[i]), "\(config.summary) \(T.self) \(level), lane \(i): \(lane) vs \(reference[i])")
                }
            }
        }
    }

    /// Bit for bit, any NaN matching any NaN.
    private func same<T: ProgramScalar>(_ a: [T], _ b: [T]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in (x.isNaN && y.isNaN) || (x == y && x.sign == y.sign) }
    }
}
