import Testing
@testable import GradlabMath

/// The chunk kernels flush subnormal results to zero (see `LaneScalar`):
/// on every thread of a run, at every level, and only during the run.
@Suite("Subnormal results in the kernels")
struct SubnormalFlushTests {
    /// exp(-x^2) is subnormal in Float for 9.35 < |x| < 10.2: the scalar
    /// reference keeps it, the kernels give 0 (torch's value minus less
    /// than 1.2e-38); normal results are unchanged.
    @Test func subnormalResultsAreZeroNormalOnesUnchanged() throws {
        let program = Program.value(of: try Expression.parse("exp(-x^2)", variables: ["x"]), inputs: ["x"])
        let xs: [Float] = (0..<4096).map { 9 + Float($0) / 4096 }  // [9, 10): both kinds of result
        for level in SIMDLevel.available {
            for threads in [1, 2] {
                let got = runLanes(program, [.lanes(xs)], count: xs.count, threads: threads, level: level)[0]
                for (x, value) in zip(xs, got) {
                    let reference = program.evaluate([x])[0]
                    if reference.isSubnormal {
                        #expect(value == 0, "\(level), \(threads) threads: exp(-\(x)^2) = \(value)")
                    } else {
                        #expect((value - reference).magnitude <= 2 * reference.ulp, "\(level): exp(-\(x)^2) = \(value), want \(reference)")
                    }
                }
            }
        }
        #expect(xs.contains { program.evaluate([$0])[0].isSubnormal }, "the data reach the subnormal range")
    }

    /// Subnormal inputs are still read as themselves (no DAZ): log of the
    /// smallest subnormal is log's value there, not log(0).
    @Test func subnormalInputsAreRead() throws {
        let program = Program.value(of: try Expression.parse("log(x)", variables: ["x"]), inputs: ["x"])
        let xs = [Float.leastNonzeroMagnitude] + Array(repeating: Float(1), count: 31)
        for level in SIMDLevel.available {
            let got = runLanes(program, [.lanes(xs)], count: xs.count, level: level)[0]
            #expect((got[0] - program.evaluate([xs[0]])[0]).magnitude <= 1e-4, "\(level): log(smallest subnormal) = \(got[0])")
        }
    }

    /// The calling thread's floating-point mode is restored after a run:
    /// arithmetic after it still gives subnormals.
    @Test func theCallersModeIsRestored() throws {
        let program = Program.value(of: try Expression.parse("x*x", variables: ["x"]), inputs: ["x"])
        _ = runLanes(program, [.lanes([Float](repeating: 1e-20, count: 64))], count: 64, threads: 1)
        let half = Self.halve(Float.leastNormalMagnitude)
        #expect(half.isSubnormal, "\(half)")
    }

    /// x / 2 at run time (not folded by the compiler).
    @inline(never) static func halve(_ x: Float) -> Float { x * 0.5 }
}
