import Testing
import GradlabSIMD
@testable import GradlabMath
@testable import GradlabCore

/// Fused updates (GradlabSIMD's `FusedKernel`): the plan builder replaces
/// an optimizer's update steps by one fused loop only where they are the
/// kernel's pattern, and the loop gives the same bits as the steps, at
/// every SIMD level, in both types, with the in-place store and without.
@Suite("Fused optimizer updates")
struct FusedUpdateTests {
    /// Each kernel and the optimizer whose default form it computes.
    static let cases: [(kernel: FusedKernel, config: OptimizerConfig)] = [
        (.adam, OptimizerConfig(kind: .adam)), (.adamW, OptimizerConfig(kind: .adamw)),
        (.rmsprop, OptimizerConfig(kind: .rmsprop)), (.adagrad, OptimizerConfig(kind: .adagrad)),
        (.nadam, OptimizerConfig(kind: .nadam)), (.radam, OptimizerConfig(kind: .radam)),
        (.adamax, OptimizerConfig(kind: .adamax)), (.adadelta, OptimizerConfig(kind: .adadelta)),
        (.rprop, OptimizerConfig(kind: .rprop)),
    ]

    /// Values that exercise the edges (zeros, tiny and huge magnitudes,
    /// infinities, NaN), then ordinary ones.
    static let edges: [Double] = [0, -0.0, 1, -1, 0.5, -2.5, 1e-300, 1e-40, 3e38, 1e300, .infinity, -.infinity, .nan, 7.25, -0.125, 1e-8]

    /// Each kernel's arithmetic reads every operand it declares, and its
    /// results are distinct operations.
    @Test func countsAreThePatterns() {
        for kernel in FusedKernel.allCases {
            let pattern = kernel.pattern
            var read = Set<Int>()
            for case .operation(_, let operands) in pattern.nodes { read.formUnion(operands) }
            #expect(read.isSuperset(of: 0..<kernel.operandCount), "\(kernel) leaves operands unread")
            #expect(pattern.nodes.prefix(kernel.operandCount).allSatisfy { if case .operand = $0 { true } else { false } })
            #expect(Set(pattern.results).count == kernel.resultCount, "\(kernel)")
            #expect(pattern.results.allSatisfy { $0 >= kernel.operandCount }, "\(kernel): a result is an operand")
            #expect(kernel.laneOperandCount < kernel.operandCount, "\(kernel)")
        }
    }

    /// The default form of each optimizer is fused (a rule whose steps no
    /// longer match its kernel fails here, not silently slower), and other
    /// forms are not.
    @Test(arguments: [false, true])
    func defaultFormsAreFused(tracksSteps: Bool) {
        for (kernel, config) in Self.cases {
            for type in [Float.self, Double.self] as [any ProgramScalar.Type] {
                let update = Self.update(config, tracksSteps: tracksSteps, as: type)
                let plan = LanePlanBuilder.build(update.program, lanes: update.lanes, stored: update.stored, inPlace: update.inPlace).plan
                let kernels = plan.steps.compactMap(\.fusedKernel)
                #expect(kernels == [kernel, kernel], "\(config.summary) \(type) tracksSteps \(tracksSteps): \(kernels)")
            }
        }
        var amsgrad = OptimizerConfig(kind: .adam)
        amsgrad.amsgrad = true
        var highBeta1 = OptimizerConfig(kind: .adam)
        highBeta1.beta1 = 0.3  // lerp's other formula
        for config in [amsgrad, highBeta1, OptimizerConfig(kind: .sgd)] {
            let update = Self.update(config, tracksSteps: tracksSteps, as: Float.self)
            let plan = LanePlanBuilder.build(update.program, lanes: update.lanes, stored: update.stored, inPlace: update.inPlace).plan
            #expect(plan.steps.allSatisfy { $0.fusedKernel == nil }, "\(config.summary) was fused")
        }
    }

    /// Fused and step by step, the same bits in every output and every
    /// in-place updated buffer, at every level, over edge values.
    @Test(arguments: [false, true])
    func fusedEqualsStepByStep(tracksSteps: Bool) {
        for config in Self.cases.map(\.config) + Self.otherForms {
            check(config, tracksSteps: tracksSteps, as: Float.self)
            check(config, tracksSteps: tracksSteps, as: Double.self)
        }
    }

    /// Options around the default forms (where the rest of the update is
    /// still a kernel's pattern, the kernel runs it).
    static let otherForms: [OptimizerConfig] = {
        func make(_ kind: OptimizerKind, _ change: (inout OptimizerConfig) -> Void) -> OptimizerConfig {
            var config = OptimizerConfig(kind: kind)
            change(&config)
            return config
        }
        return [
            make(.adam) { $0.weightDecay = 0.01 }, make(.adam) { $0.maximize = true }, make(.adam) { $0.amsgrad = true },
            make(.adamw) { $0.eps = 0.5; $0.beta2 = 0.5 }, make(.rmsprop) { $0.momentum = 0.9 },
            make(.rmsprop) { $0.centered = true }, make(.adagrad) { $0.lrDecay = 0.1; $0.weightDecay = 0.5 },
            make(.nadam) { $0.decoupledWeightDecay = true; $0.weightDecay = 0.1 }, make(.radam) { $0.maximize = true },
            make(.adamax) { $0.weightDecay = 0.1 }, make(.adadelta) { $0.maximize = true },
            make(.rprop) { ($0.etaMinus, $0.etaPlus, $0.stepSizeMin, $0.stepSizeMax) = (0.4, 1.3, 1e-4, 1) },
            // A bound of 0: the clamp's general form (a tie between -0 and +0).
            make(.rprop) { $0.stepSizeMin = 0 },
        ]
    }()

    /// A Float divisor that is the same in every lane is divided by its
    /// reciprocal and a correction: the same bits as division for every
    /// dividend, including where the correction cannot be used.
    @Test func divisionByAUniformIsExact() throws {
        let expression = try Expression.parse("x / c", variables: ["x", "c"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x", "c"], respect: [])
        var random = XorShift(seed: 7)
        let count = 4099
        let divisors: [Float] = [3, 0.1, 1.0000001, 0x1.fffffep0, 0x1p-127, 3e38, 1e-30, 0, .infinity, .nan, -5.5]
        let x: [Float] = (0..<count).map { i in
            i < Self.edges.count ? Float(Self.edges[i]) : Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
        }
        for c in divisors {
            for level in SIMDLevel.available {
                let lanes = x.withUnsafeBufferPointer { buffer -> [Float] in
                    let output = UnsafeMutablePointer<Float>.allocate(capacity: count)
                    defer { output.deallocate() }
                    program.run(count: count, inputs: [.lanes(buffer.baseAddress.unsafelyUnwrapped), .uniform(c)], outputs: [output],
                                sums: nil, threads: 1, level: level)
                    return Array(UnsafeBufferPointer(start: output, count: count))
                }
                let wrong = (0..<count).filter { i in
                    let want = x[i] / c
                    return !(lanes[i].bitPattern == want.bitPattern || (lanes[i].isNaN && want.isNaN))
                }
                #expect(wrong.isEmpty, "x / \(c) at \(level): lanes \(wrong.prefix(5).map { (x[$0], lanes[$0]) })")
            }
        }
    }

    /// A multiply is a fused multiply-add of -0 at the FMA levels (so that a
    /// product that underflows does not take Zen 5's slow path): the same
    /// bits as `*` for every pair, products that underflow, ±0, infinities
    /// and NaN included, in both types, at every level.
    @Test func multiplicationIsExact() throws {
        try checkProducts(Float.self) { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
        try checkProducts(Double.self) { Double(bitPattern: $0) }
    }

    private func checkProducts<T: LaneScalar>(_: T.Type, random value: (UInt64) -> T) throws {
        let expression = try Expression.parse("x * y", variables: ["x", "y"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x", "y"], respect: [])
        var random = XorShift(seed: 11)
        let count = 4099
        let tiny: [T] = [T.leastNormalMagnitude, T.leastNonzeroMagnitude, T.leastNormalMagnitude * 3, T(0x1p-70), T(-0x1p-70), T(0x1p-40)]
        let special = Self.edges.map { T($0) } + tiny
        let x: [T] = (0..<count).map { i in i < special.count * special.count ? special[i / special.count] : value(random.next()) }
        let y: [T] = (0..<count).map { i in i < special.count * special.count ? special[i % special.count] : value(random.next()) }
        for level in SIMDLevel.available {
            let lanes = x.withUnsafeBufferPointer { xs in
                y.withUnsafeBufferPointer { ys -> [T] in
                    let output = UnsafeMutablePointer<T>.allocate(capacity: count)
                    defer { output.deallocate() }
                    program.run(count: count, inputs: [.lanes(xs.baseAddress.unsafelyUnwrapped), .lanes(ys.baseAddress.unsafelyUnwrapped)],
                                outputs: [output], sums: nil, threads: 1, level: level)
                    return Array(UnsafeBufferPointer(start: output, count: count))
                }
            }
            let wrong = (0..<count).filter { i in
                let want = x[i] * y[i]
                return !((lanes[i] == want && lanes[i].sign == want.sign) || (lanes[i].isNaN && want.isNaN))
            }
            #expect(wrong.isEmpty, "\(T.self) x * y at \(level): lanes \(wrong.prefix(5).map { (x[$0], y[$0], lanes[$0]) })")
        }
    }

    /// An optimizer's update of two parameters, as the landscape's sweep
    /// composes it: parameters, gradients and state with lanes, the step's
    /// scalars uniform, new parameters and state stored over the old.
    struct Update {
        var program: Program
        var lanes: [Bool]
        var stored: [Bool]
        var inPlace: [Int?]
        var scalars: [Double]
        var scalarSlots: [Int: Int]
    }

    static func update<T: ProgramScalar>(_ config: OptimizerConfig, tracksSteps: Bool, as _: T.Type) -> Update {
        var composer = ProgramComposer()
        let parameters = ["x1", "x2"].map { name in (name: name, value: composer.input(name), gradient: composer.input("g\(name)")) }
        let group = OptimizerGroup<T>(config, size: 1)
        group.advance(by: 9)  // past RAdam's first steps, which are not rectified
        let emission = group.emit(into: composer, parameters: parameters, variant: group.nextVariant, tracksSteps: tracksSteps)
        let program = emission.composer.program(outputs: emission.outputs.map { ($0.name, $0.value) })
        var scalarSlots: [Int: Int] = [:]
        for (name, role) in emission.inputs {
            if case .scalar(let slot) = role, let k = program.inputs.firstIndex(of: name) { scalarSlots[k] = slot }
        }
        let inPlace: [Int?] = emission.outputs.map { output in
            switch output.role {
            case .parameter(let j): program.inputs.firstIndex(of: parameters[j].name)
            case .state(let name, let j): program.inputs.firstIndex(of: "\(name)[\(parameters[j].name)]")
            case .step: nil
            }
        }
        return Update(program: program, lanes: program.inputs.indices.map { scalarSlots[$0] == nil },
                      stored: Array(repeating: true, count: program.outputCount), inPlace: inPlace,
                      scalars: group.scalars(emission, step: 10), scalarSlots: scalarSlots)
    }

    private func check<T: LaneScalar>(_ config: OptimizerConfig, tracksSteps: Bool, as _: T.Type) {
        let update = Self.update(config, tracksSteps: tracksSteps, as: T.self)
        let count = 2 * 1024 + 37  // two whole chunks and a staged one
        let columns: [[T]] = update.program.inputs.indices.map { k in
            var random = XorShift(seed: UInt64(k + 1))
            return (0..<count).map { i in
                i < 3 * Self.edges.count ? T(Self.edges[(i + k) % Self.edges.count]) : T(Double.random(in: -3...3, using: &random))
            }
        }
        for level in SIMDLevel.available {
            let fused = run(update, columns, fusing: true, level: level)
            let plain = run(update, columns, fusing: false, level: level)
            for (k, (a, b)) in zip(fused, plain).enumerated() {
                let wrong = (0..<count).filter { i in !(a[i].isNaN && b[i].isNaN) && (a[i] != b[i] || a[i].sign != b[i].sign) }
                #expect(wrong.isEmpty, "\(config.summary) \(T.self) \(level) buffer \(k): lanes \(wrong.prefix(5))")
            }
        }
    }

    /// Runs the update's plan over copies of `columns` (one worker) and
    /// returns every buffer after it: inputs (updated in place) then outputs.
    private func run<T: LaneScalar>(_ update: Update, _ columns: [[T]], fusing: Bool, level: SIMDLevel) -> [[T]] {
        let count = columns[0].count
        let program = update.program
        let prepared = PreparedRun<T>(program, lanes: update.lanes, stored: update.stored, inPlace: update.inPlace, fusing: fusing)
        if !fusing { #expect(prepared.plan.steps.allSatisfy { $0.fusedKernel == nil }) }
        let inputs = columns.map { values in
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: count)
            buffer.initialize(from: values, count: count)
            return buffer
        }
        let outputs: [UnsafeMutablePointer<T>] = program.outputs.indices.map { k in
            if let input = update.inPlace[k] { return inputs[input] }
            return UnsafeMutablePointer<T>.allocate(capacity: count)
        }
        defer {
            for buffer in inputs { buffer.deallocate() }
            for (k, buffer) in outputs.enumerated() where update.inPlace[k] == nil { buffer.deallocate() }
        }
        prepared.computeUniforms(program.inputs.indices.map { k -> ProgramInput<T> in
            if let slot = update.scalarSlots[k] { return .uniform(T(update.scalars[slot])) }
            return .lanes(UnsafePointer(inputs[k]))
        })
        for (i, buffer) in inputs.enumerated() { prepared.inputTable[i] = update.lanes[i] ? UnsafePointer(buffer) : nil }
        for (k, buffer) in outputs.enumerated() { prepared.outputTable[k] = buffer }
        let chunkCount = (count + prepared.chunkLanes - 1) / prepared.chunkLanes
        prepared.reserve(workers: 1, chunks: chunkCount, summing: false)
        let run = LaneRun<T>(count: count, chunkLanes: prepared.chunkLanes, inputs: prepared.inputTable, outputs: prepared.outputTable,
                             uniforms: prepared.uniforms, chunkSums: nil, descentPairs: prepared.descentPairs, descentCount: 0,
                             descentStep: 0, afterChunk: nil)
        T.runKernels(level, prepared.plan, run, 0..<chunkCount, prepared.scratch[0], prepared.chunkOutputs[0])
        let updated = inputs.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
        let stepOutputs = outputs.enumerated().filter { update.inPlace[$0.offset] == nil }
            .map { Array(UnsafeBufferPointer(start: $0.element, count: count)) }
        return updated + stepOutputs
    }
}

/// A small seeded generator, so test data is the same on every run.
private struct XorShift: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
