import Testing
@testable import GradlabMath

/// Input data for one run: a value per lane or one for all.
enum TestInput<T> {
    case lanes([T])
    case uniform(T)

    func value(at lane: Int) -> T {
        switch self {
        case .lanes(let values): values[lane]
        case .uniform(let value): value
        }
    }
}

/// Runs `program` over `count` lanes and returns each output as an array.
func runLanes<T: ProgramScalar>(
    _ program: Program, _ inputs: [TestInput<T>], count: Int, threads: Int? = nil, level: SIMDLevel = .active
) -> [[T]] {
    var buffers: [UnsafeMutablePointer<T>] = []
    defer { for buffer in buffers { buffer.deallocate() } }
    let programInputs: [ProgramInput<T>] = inputs.map { input in
        switch input {
        case .uniform(let value): return .uniform(value)
        case .lanes(let values):
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
            buffer.initialize(from: values, count: values.count)
            buffers.append(buffer)
            return .lanes(buffer)
        }
    }
    let outputs = (0..<program.outputCount).map { _ in
        let buffer = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
        buffer.initialize(repeating: -12345, count: max(count, 1))
        buffers.append(buffer)
        return buffer
    }
    program.run(count: count, inputs: programInputs, outputs: outputs, sums: nil, threads: threads, level: level)
    return outputs.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
}

/// Every value bit-identical (NaN payloads and signed zeros included).
func sameBits<T: BinaryFloatingPoint>(_ a: [[T]], _ b: [[T]]) -> Bool where T.RawSignificand: FixedWidthInteger {
    a.count == b.count && zip(a, b).allSatisfy { x, y in x.count == y.count && zip(x, y).allSatisfy { identical($0, $1) } }
}

@Suite("Chunked executor")
struct ExecutorTests {
    /// Every operation, with kinks (abs, relu, min, max) reachable by the data.
    static let mixed = """
        max(x, y)*sigmoid(w*x + b) + abs(x - y)^1.5 - log(1 + exp(-x^2))/tanh(2 + y^2) \
        + min(x, 0.3)*tan(0.1*y) + relu(y - b)*sqrt(abs(w)) + cos(x)^3 - sin(y/w) + (2 + w^2)^(x/4)
        """
    static let names = ["x", "y", "w", "b"]

    let program: Program

    init() throws {
        let f = try Expression.parse(Self.mixed, variables: Self.names)
        program = Program.valueAndGradient(of: f, inputs: Self.names, respect: ["w", "b", "x", "y"])
    }

    /// Deterministic data in [-3, 3], with exact zeros and ties sprinkled in.
    static func data<T: ProgramScalar>(_ count: Int, seed: UInt64) -> [T] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { i in i % 13 == 0 ? 0 : T(Double.random(in: -3...3, using: &random)) }
    }

    static func inputs<T: ProgramScalar>(_ count: Int, uniform: Bool) -> [TestInput<T>] {
        let x: [T] = data(count, seed: 1)
        let noise: [T] = data(count, seed: 2)
        let y: [T] = (0..<count).map { $0 % 11 == 0 ? x[$0] : noise[$0] }
        if uniform { return [.lanes(x), .lanes(y), .uniform(T(0.75)), .uniform(T(-0.25))] }
        return [.lanes(x), .lanes(y), .lanes(data(count, seed: 3)), .lanes(data(count, seed: 4))]
    }

    /// Within `tolerance` of the scalar reference, relative to the larger
    /// of 1 and the values (the vector sin, cos, exp, log, tanh, sigmoid
    /// differ from the C library's by an ulp or so, and the arithmetic
    /// after them passes that on).
    func checkRunMatchesEvaluate<T: ProgramScalar>(
        _ type: T.Type, count: Int, uniform: Bool, tolerance: Double
    ) where T.RawSignificand: FixedWidthInteger {
        let inputs: [TestInput<T>] = Self.inputs(count, uniform: uniform)
        let lanes = count <= 1000 ? Array(0..<count) : Array(stride(from: 0, to: count, by: 37)) + [count - 1]
        for level in SIMDLevel.available {
            let outputs = runLanes(program, inputs, count: count, level: level)
            #expect(outputs.count == program.outputCount)
            // Every lane for small counts; a spread of lanes (first, last, and
            // across chunk boundaries) for the large one, to keep debug runs quick.
            var worst = 0.0
            for lane in lanes {
                let expected = program.evaluate(inputs.map { $0.value(at: lane) })
                for (k, want) in expected.enumerated() {
                    let got = outputs[k][lane]
                    if got.isNaN || want.isNaN {
                        #expect(got.isNaN == want.isNaN, "\(T.self) \(level) lane \(lane) output \(k)")
                        continue
                    }
                    if got == want { continue }
                    let scale = max(1, Double(want.magnitude), Double(got.magnitude))
                    worst = max(worst, Double((got - want).magnitude) / scale)
                }
            }
            #expect(worst <= tolerance, "\(T.self) \(level) count \(count) uniform \(uniform): \(worst)")
        }
    }

    @Test(arguments: [0, 1, 7, 1000, 100_003], [false, true])
    func runMatchesEvaluateDouble(count: Int, uniform: Bool) {
        checkRunMatchesEvaluate(Double.self, count: count, uniform: uniform, tolerance: 1e-13)
    }

    @Test(arguments: [0, 1, 7, 1000, 100_003], [false, true])
    func runMatchesEvaluateFloat(count: Int, uniform: Bool) {
        checkRunMatchesEvaluate(Float.self, count: count, uniform: uniform, tolerance: 2e-5)
    }

    /// With no transcendental function the kernels do exactly the scalar
    /// reference's IEEE operations: equal bit for bit. (A real exponent is a
    /// vector pow, held to its bound by VectorPowerTests; integer ones
    /// torch computes by multiplying are multiplications.)
    @Test func arithmeticIsBitIdenticalToEvaluate() throws {
        let f = try Expression.parse("max(x, y)*(w*x + b) + abs(x - y)^3 - relu(y - b)*sqrt(abs(w)) + min(x, 0.3)/(2 + y^2)",
                                     variables: Self.names)
        let exact = Program.valueAndGradient(of: f, inputs: Self.names, respect: ["w", "b", "x", "y"])
        for uniform in [false, true] {
            let inputs: [TestInput<Double>] = Self.inputs(3001, uniform: uniform)
            let floats: [TestInput<Float>] = Self.inputs(3001, uniform: uniform)
            for level in SIMDLevel.available {
                let outputs = runLanes(exact, inputs, count: 3001, level: level)
                let floatOutputs = runLanes(exact, floats, count: 3001, level: level)
                for lane in 0..<3001 {
                    let want = exact.evaluate(inputs.map { $0.value(at: lane) })
                    let wantFloat = exact.evaluate(floats.map { $0.value(at: lane) })
                    #expect(want.indices.allSatisfy { identical(outputs[$0][lane], want[$0]) }, "\(level) lane \(lane)")
                    #expect(wantFloat.indices.allSatisfy { identical(floatOutputs[$0][lane], wantFloat[$0]) }, "\(level) lane \(lane)")
                }
            }
        }
    }

    /// The AVX2 and AVX-512 kernels evaluate their polynomials with fused
    /// multiply-adds: they agree with each other bit for bit, and with the
    /// baseline kernels (separate multiply and add) to rounding.
    @Test func simdLevelsAgree() {
        let doubles: [TestInput<Double>] = Self.inputs(20_011, uniform: false)
        let floats: [TestInput<Float>] = Self.inputs(20_011, uniform: true)
        let runs = SIMDLevel.available.map { level in
            (level, runLanes(program, doubles, count: 20_011, level: level), runLanes(program, floats, count: 20_011, level: level))
        }
        let fused = runs.filter { $0.0 != .sse2 }
        for (level, d, f) in fused.dropFirst() {
            #expect(sameBits(d, fused[0].1), "\(level)")
            #expect(sameBits(f, fused[0].2), "\(level)")
        }
        guard let baseline = runs.first(where: { $0.0 == .sse2 }) else { return }
        for (level, d, f) in runs {
            #expect(worstRelativeDifference(d, baseline.1) <= 1e-13, "\(level)")
            #expect(worstRelativeDifference(f, baseline.2) <= 2e-5, "\(level)")
        }
    }

    @Test func multiThreadedEqualsSingleThreadedBitForBit() {
        for uniform in [false, true] {
            let doubles: [TestInput<Double>] = Self.inputs(100_003, uniform: uniform)
            let one = runLanes(program, doubles, count: 100_003, threads: 1)
            #expect(sameBits(one, runLanes(program, doubles, count: 100_003, threads: 3)))
            #expect(sameBits(one, runLanes(program, doubles, count: 100_003)))
            let floats: [TestInput<Float>] = Self.inputs(100_003, uniform: uniform)
            let oneFloat = runLanes(program, floats, count: 100_003, threads: 1)
            #expect(sameBits(oneFloat, runLanes(program, floats, count: 100_003, threads: 2)))
        }
    }

    @Test func outputsThatAreInputsConstantsOrRepeated() throws {
        // d/dx x = 1 (a constant), the value is the input itself, and asking
        // for x twice gives two outputs holding one value.
        let identity = Program.valueAndGradient(of: .variable("x"), inputs: ["x"], respect: ["x", "x", "y"])
        let outputs = runLanes(identity, [TestInput<Double>.lanes([1, 2, 3])], count: 3)
        #expect(outputs == [[1, 2, 3], [1, 1, 1], [1, 1, 1], [0, 0, 0]])

        let product = Program.valueAndGradient(of: try Expression.parse("x*y"), inputs: ["x", "y"], respect: ["y", "y"])
        let repeated = runLanes(product, [TestInput<Float>.lanes([1, 2, 3]), .lanes([4, 5, 6])], count: 3)
        #expect(repeated == [[4, 10, 18], [1, 2, 3], [1, 2, 3]])
    }

    @Test func allUniformInputsFillEveryLane() throws {
        let line = Program.valueAndGradient(of: try Expression.parse("weight*x + bias"), inputs: ["weight", "bias", "x"], respect: ["weight", "bias"])
        let outputs = runLanes(line, [TestInput<Double>.uniform(2), .uniform(1), .uniform(3)], count: 600)
        #expect(outputs == [Array(repeating: 7, count: 600), Array(repeating: 3, count: 600), Array(repeating: 1, count: 600)])
    }

    @Test func theTutorialFunctionOnManyLanes() throws {
        let f = try Expression.parse(TutorialTests.text, variables: ["x1", "x2"])
        let tutorial = Program.valueAndGradient(of: f, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let x1: [Double] = Self.data(5000, seed: 9).map { $0 * 3 }
        let x2: [Double] = Self.data(5000, seed: 10).map { $0 * 3 }
        let outputs = runLanes(tutorial, [.lanes(x1), .lanes(x2)], count: 5000)
        for lane in stride(from: 0, to: 5000, by: 17) {
            let expected = TutorialTests.handWritten(x1[lane], x2[lane])
            // Absolute: the terms are at most 1.5 and may cancel.
            #expect((outputs[0][lane] - expected.value).magnitude <= 1e-15)
            #expect((outputs[1][lane] - expected.dx1).magnitude <= 1e-15)
            #expect((outputs[2][lane] - expected.dx2).magnitude <= 1e-15)
        }
    }

    @Test func overlappingOutputsAreRefused() async {
        await #expect(processExitsWith: .failure) {
            let program = Program.valueAndGradient(of: .variable("x"), inputs: ["x"], respect: ["x"])
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 8)
            buffer.initialize(repeating: 1, count: 8)
            program.run(count: 4, inputs: [.lanes(buffer)], outputs: [buffer + 4, buffer + 6])
        }
    }
}

/// The largest |a - b| / max(1, |a|, |b|) over two runs' outputs (NaN where
/// both are NaN counts as equal; NaN against a number as infinitely far).
func worstRelativeDifference<T: ProgramScalar>(_ a: [[T]], _ b: [[T]]) -> Double {
    var worst = 0.0
    for (x, y) in zip(a, b) {
        for (u, v) in zip(x, y) where u != v {
            if u.isNaN && v.isNaN { continue }
            let scale = max(1, Double(u.magnitude), Double(v.magnitude))
            worst = max(worst, u.isNaN || v.isNaN ? .infinity : Double((u - v).magnitude) / scale)
        }
    }
    return worst
}
