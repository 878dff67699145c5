import Foundation
import Testing
@testable import GradlabMath

/// The vectorized elementary functions against the C library (the scalar
/// reference path, `Program.evaluate`), at every SIMD level this CPU runs,
/// over wide ranges and the special values.
@Suite("Vector math")
struct VectorMathTests {
    /// `function(x)` over `xs` through the chunk kernels of `level`.
    static func vector<T: ProgramScalar>(_ function: String, _ xs: [T], level: SIMDLevel) -> [T] {
        let program = Program.value(of: (try? Expression.parse(function, variables: ["x"])) ?? .number(.nan), inputs: ["x"])
        var result = [T](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { r in
                guard let x = x.baseAddress, let r = r.baseAddress else { return }
                program.run(count: xs.count, inputs: [.lanes(x)], outputs: [r], sums: nil, threads: 1, level: level)
            }
        }
        return result
    }

    /// The C library's values through the scalar reference.
    static func reference<T: ProgramScalar>(_ function: String, _ xs: [T]) -> [T] {
        let program = Program.value(of: (try? Expression.parse(function, variables: ["x"])) ?? .number(.nan), inputs: ["x"])
        return xs.map { program.evaluate([$0])[0] }
    }

    /// Worst absolute error, and worst error in units of the reference's
    /// ulp (for non-zero normal references); both NaN or equal count as 0,
    /// and so does 0 for a subnormal reference.
    static func errors<T: ProgramScalar>(_ got: [T], _ want: [T]) -> (absolute: Double, ulps: Double, nanMismatch: Int) {
        var absolute = 0.0, ulps = 0.0, nanMismatch = 0
        for (a, b) in zip(got, want) {
            if a.isNaN || b.isNaN {
                if a.isNaN != b.isNaN { nanMismatch += 1 }
                continue
            }
            if a == b { continue }
            // The kernels flush subnormal results to zero (SubnormalFlushTests).
            if a == 0 && b.isSubnormal { continue }
            if a.isInfinite || b.isInfinite { nanMismatch += 1; continue }
            let difference = Double((a - b).magnitude)
            absolute = max(absolute, difference)
            if b.isNormal { ulps = max(ulps, difference / Double(b.ulp)) }
        }
        return (absolute, ulps, nanMismatch)
    }

    /// Evenly spread and random points in `range`, plus the special values.
    static func samples<T: ProgramScalar>(_ range: ClosedRange<Double>, count: Int, seed: UInt64) -> [T] {
        var random = SplitMix64(seed: seed)
        let step = (range.upperBound - range.lowerBound) / Double(count)
        var xs = (0..<count).map { T(range.lowerBound + step * Double($0)) }
        xs += (0..<count).map { _ in T(Double.random(in: range, using: &random)) }
        xs += [0, -0.0, .infinity, -.infinity, .nan, T.leastNonzeroMagnitude, -T.leastNormalMagnitude, 1e-30, -1e-30]
        return xs
    }

    static func check<T: ProgramScalar>(
        _ function: String, _ type: T.Type, _ range: ClosedRange<Double>, absolute: Double? = nil, ulps: Double? = nil,
        count: Int = 10_000
    ) {
        let xs: [T] = samples(range, count: count, seed: 42)
        let want = reference(function, xs)
        for level in SIMDLevel.available {
            let got = vector(function, xs, level: level)
            let e = errors(got, want)
            let label = "\(function) \(T.self) \(level) on \(range): abs \(e.absolute), \(e.ulps) ulp"
            if ProcessInfo.processInfo.environment["GRADLAB_PRINT_ERRORS"] != nil { print(label) }
            #expect(e.nanMismatch == 0, "\(label): NaN or infinity where the C library differs")
            if let absolute { #expect(e.absolute <= absolute, "\(label)") }
            if let ulps { #expect(e.ulps <= ulps, "\(label)") }
        }
    }

    @Test func sinCosFloat() {
        Self.check("sin(x)", Float.self, -1e4...1e4, absolute: 2e-7)
        Self.check("cos(x)", Float.self, -1e4...1e4, absolute: 2e-7)
        Self.check("sin(x)", Float.self, -4...4, ulps: 2)
        // Past the vector reduction's range the C library answers: exactly.
        Self.check("sin(x)", Float.self, -1e30...1e30, absolute: 0)
        Self.check("cos(x)", Float.self, 1.3e4...1e6, absolute: 0)
    }

    @Test func sinCosDouble() {
        Self.check("sin(x)", Double.self, -1e4...1e4, absolute: 4e-16)
        Self.check("cos(x)", Double.self, -1e4...1e4, absolute: 4e-16)
        Self.check("sin(x)", Double.self, -4...4, ulps: 2)
        Self.check("cos(x)", Double.self, -1e8...1e8, absolute: 2.3e-16)
        Self.check("sin(x)", Double.self, -1e300...1e300, absolute: 0)
    }

    @Test func tan() {
        Self.check("tan(x)", Float.self, -1e4...1e4, ulps: 4)
        Self.check("tan(x)", Double.self, -1e4...1e4, ulps: 4)
    }

    @Test func exp() {
        Self.check("exp(x)", Float.self, -110...95, ulps: 2)
        Self.check("exp(x)", Double.self, -760...720, ulps: 2)
        Self.check("exp(x)", Float.self, -1...1, ulps: 2)
        Self.check("exp(x)", Double.self, -1...1, ulps: 2)
    }

    @Test func log() {
        Self.check("log(x)", Float.self, 0...1e38, ulps: 2)
        Self.check("log(x)", Float.self, -1...3, ulps: 2)
        Self.check("log(x)", Double.self, 0...1e300, ulps: 2)
        Self.check("log(x)", Double.self, -1...3, ulps: 2)
        Self.check("log(x)", Double.self, 0...1e-300, ulps: 2)
        // Around 1, where the table-driven log's r can exceed the result
        // (the subintervals beside the one holding 1), densely; and subnormals.
        Self.check("log(x)", Double.self, 0.9...1.1, ulps: 2, count: 100_000)
        Self.check("log(x)", Double.self, 0.5...2, ulps: 2, count: 100_000)
        Self.check("log(x)", Double.self, 0...1e-308, ulps: 2)
    }

    @Test func tanhAndSigmoid() {
        Self.check("tanh(x)", Float.self, -30...30, ulps: 4)
        Self.check("tanh(x)", Float.self, -0.01...0.01, ulps: 4)
        Self.check("tanh(x)", Double.self, -30...30, ulps: 4)
        Self.check("tanh(x)", Double.self, -0.01...0.01, ulps: 4)
        Self.check("sigmoid(x)", Float.self, -100...100, ulps: 5)
        Self.check("sigmoid(x)", Double.self, -800...800, ulps: 3)
    }

    @Test func exactOperationsAreExact() {
        for function in ["sqrt(x)", "abs(x)", "-x", "relu(x)", "x*x - 3/x", "min(x, 0.5)", "max(x, -0.0)"] {
            Self.check(function, Float.self, -1e6...1e6, absolute: 0)
            Self.check(function, Double.self, -1e6...1e6, absolute: 0)
        }
    }
}
