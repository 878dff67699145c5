import Foundation
import Testing
@testable import GradlabMath

/// `x^y` through the chunk kernels (a vector pow: e^(y log|x|) from
/// 16-entry tables, in Double for Float lanes; a constant exponent
/// +-(m + 1/2) as |x|^m sqrt|x|) against the C library's `pow`/`powf` (the
/// scalar reference), at every SIMD level: C's special cases exactly, Float
/// within one ulp of powf (glibc's powf is within 0.82 ulp of the true
/// value; the kernels are within 1.4e-8 before their one rounding, below
/// half an ulp), Double within (3 + |y ln x|) * 2.3e-16 relative.
@Suite("Vector pow")
struct VectorPowerTests {
    static func run<T: ProgramScalar>(_ xs: [T], _ ys: [T], level: SIMDLevel) -> [T] {
        let program = Program.value(of: (try? Expression.parse("x^y", variables: ["x", "y"])) ?? .number(.nan), inputs: ["x", "y"])
        var result = [T](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            ys.withUnsafeBufferPointer { y in
                result.withUnsafeMutableBufferPointer { r in
                    guard let x = x.baseAddress, let y = y.baseAddress, let r = r.baseAddress else { return }
                    program.run(count: xs.count, inputs: [.lanes(x), .lanes(y)], outputs: [r], sums: nil, threads: 1, level: level)
                }
            }
        }
        return result
    }

    /// x^e for one exponent in every lane (a uniform input, as a constant
    /// exponent is).
    static func run<T: ProgramScalar>(_ xs: [T], exponent: T, level: SIMDLevel) -> [T] {
        let program = Program.value(of: (try? Expression.parse("x^y", variables: ["x", "y"])) ?? .number(.nan), inputs: ["x", "y"])
        var result = [T](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { r in
                guard let x = x.baseAddress, let r = r.baseAddress else { return }
                program.run(count: xs.count, inputs: [.lanes(x), .uniform(exponent)], outputs: [r], sums: nil, threads: 1, level: level)
            }
        }
        return result
    }

    /// Every pair of special bases and exponents, and random pairs.
    static func pairs<T: ProgramScalar>(_: T.Type) -> (x: [T], y: [T]) {
        let bases: [T] = [0, -0.0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, .infinity, -.infinity, .nan, T.leastNonzeroMagnitude,
                          -T.leastNormalMagnitude, T.greatestFiniteMagnitude, -8, 1e-3, 1e3]
        let exponents: [T] = [0, -0.0, 1, -1, 2, 3, -3, 0.5, -0.5, 1.5, -2.5, 1.0 / 3, 7, -7, 8, 1e10, -1e10, 1e30,
                              .infinity, -.infinity, .nan, 4_503_599_627_370_497, 16_777_217, 0.1]
        var x: [T] = [], y: [T] = []
        for b in bases { for e in exponents { x.append(b); y.append(e) } }
        var random = SplitMix64(seed: 17)
        for _ in 0..<20_000 {
            x.append(T(Double.random(in: -20...20, using: &random)))
            y.append(T(Double.random(in: -12...12, using: &random)))
            x.append(T(Double.random(in: 0...3, using: &random)))
            y.append(T(Double.random(in: -60...60, using: &random)))
            // Negative bases with integer exponents.
            x.append(T(Double.random(in: -10...0, using: &random)))
            y.append(T(Double(Int.random(in: -20...20, using: &random))))
        }
        return (x, y)
    }

    /// Pairs where pow is hardest to get right: bases next to 1 with huge
    /// exponents (y log x large though log x is tiny), results next to
    /// overflow and underflow (|y log x| near its largest), subnormal bases,
    /// and bases across the logarithm's table boundaries.
    static func hardPairs<T: ProgramScalar>(_: T.Type) -> (x: [T], y: [T]) {
        var x: [T] = [], y: [T] = []
        var random = SplitMix64(seed: 1717)
        let largest = Foundation.log(Double(T.greatestFiniteMagnitude))
        let smallest = Foundation.log(Double(T.leastNonzeroMagnitude))
        for _ in 0..<20_000 {
            // 1 +- a few ulp, raised to what brings the result near overflow.
            let ulps = Double(Int.random(in: -64...64, using: &random))
            let nearOne = T(1) + T(ulps) * T.ulpOfOne / 2
            let wanted = Double.random(in: smallest...largest, using: &random)
            x.append(nearOne)
            y.append(nearOne == 1 ? T(wanted) : T(wanted / Foundation.log(Double(nearOne))))
            // Any base, an exponent that puts the result near the ends of the range.
            let base = T(Double.random(in: 0.001...1000, using: &random))
            let end = Bool.random(using: &random) ? largest : smallest
            x.append(base)
            y.append(T(end * Double.random(in: 0.98...1.001, using: &random) / Foundation.log(Double(base))))
            // Subnormal bases, with exponents near 1 and small negative ones.
            x.append(T.leastNonzeroMagnitude * T(Double.random(in: 1...1e6, using: &random)))
            y.append(T(Double.random(in: -1.2...1.2, using: &random)))
            // Mantissas across the table boundaries, exponents up to +-40.
            let mantissa = T(Double.random(in: 0.69...1.41, using: &random))
            x.append(mantissa * T(Foundation.pow(2, Double(Int.random(in: -20...20, using: &random)))))
            y.append(T(Double.random(in: -40...40, using: &random)))
        }
        return (x, y)
    }

    /// Bases for a constant exponent: runs of 64 ordinary ones (whole
    /// vectors of them take a half-integer exponent's path), runs with the
    /// special bases and with bases across the whole range mixed in.
    static func constantExponentBases<T: ProgramScalar>(_: T.Type) -> [T] {
        let special: [T] = [0, -0.0, 1, -1, 2, -2, 0.5, -0.5, .infinity, -.infinity, .nan, T.leastNonzeroMagnitude,
                            T.leastNormalMagnitude, -T.leastNormalMagnitude, T.greatestFiniteMagnitude, -8, 1e-3, 1e3]
        var random = SplitMix64(seed: 0x17)
        let exponentBits = Double(T.greatestFiniteMagnitude.exponent)
        var x: [T] = []
        for run in 0..<600 {
            for _ in 0..<64 {
                switch run % 3 {
                case 0: x.append(T(Double.random(in: 0.001...1000, using: &random)))
                case 1: x.append(T(Double.random(in: 0.5...2, using: &random) * Foundation.pow(2, Double.random(in: -exponentBits...exponentBits, using: &random))))
                default: x.append(T(Double.random(in: -4...4, using: &random)))
                }
            }
            if run % 3 == 2 { x[x.count - 1 - run % 64] = special[run % special.count] }
        }
        return x + special
    }

    static func check<T: ProgramScalar>(_ type: T.Type, hard: Bool = false, constant: Bool = false, bound: (T, T, T) -> Double) {
        var (x, y) = hard ? hardPairs(T.self) : pairs(T.self)
        if constant {
            let bases = constantExponentBases(T.self)
            let exponents: [T] = [0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 4.5, -4.5, 1.25, 3]
            x = exponents.flatMap { _ in bases }
            y = exponents.flatMap { e in [T](repeating: e, count: bases.count) }
        }
        let want = zip(x, y).map { T._libmPow($0, $1) }
        for level in SIMDLevel.available {
            var got = run(x, y, level: level)
            if constant {
                // Each exponent's block again with the exponent as one value.
                let size = x.count / 12
                got = stride(from: 0, to: x.count, by: size).flatMap { run(Array(x[$0..<$0 + size]), exponent: y[$0], level: level) }
            }
            var mismatches: [String] = []
            for i in x.indices {
                let (a, b) = (got[i], want[i])
                if a.isNaN && b.isNaN { continue }
                if a == b && a.sign == b.sign { continue }
                if a.isFinite, b.isFinite, a != 0, b != 0, a.sign == b.sign,
                   Double((a - b).magnitude) <= bound(x[i], y[i], b) { continue }
                mismatches.append("\(x[i])^\(y[i]) = \(a), C: \(b)")
            }
            #expect(mismatches.isEmpty, "\(T.self) \(level): \(mismatches.count) differ, e.g. \(mismatches.prefix(5))")
        }
    }

    @Test func float() {
        Self.check(Float.self) { _, _, b in Double(b.ulp) }
    }

    @Test func double() {
        Self.check(Double.self) { x, y, b in
            (3 + (y * Foundation.log(x.magnitude)).magnitude) * 2.3e-16 * b.magnitude + Double(b.ulp)
        }
    }

    @Test func floatHardPairs() {
        Self.check(Float.self, hard: true) { _, _, b in Double(b.ulp) }
    }

    @Test func doubleHardPairs() {
        Self.check(Double.self, hard: true) { x, y, b in
            (3 + (y * Foundation.log(x.magnitude)).magnitude) * 2.3e-16 * b.magnitude + Double(b.ulp)
        }
    }

    /// A constant exponent (one value in every lane): +-(m + 1/2) up to 3.5
    /// takes |x|^m sqrt|x| where a whole vector is ordinary; the others,
    /// and vectors with special lanes, the general pow.
    @Test func floatConstantExponents() {
        Self.check(Float.self, constant: true) { _, _, b in Double(b.ulp) }
    }

    @Test func doubleConstantExponents() {
        Self.check(Double.self, constant: true) { x, y, b in
            (3 + (y * Foundation.log(x.magnitude)).magnitude) * 2.3e-16 * b.magnitude + Double(b.ulp)
        }
    }

    /// A constant exponent of any other kind (not +-(m + 1/2)) takes the
    /// uniform path, its special cases selected once per loop and, for a
    /// small exponent, its exponential unclamped: the same bits as the
    /// general pow gives with the exponent in every lane, at every level,
    /// for runs of ordinary bases and runs with special ones (the whole
    /// range: results that overflow and underflow).
    static func checkUniformIsGeneral<T: ProgramScalar>(_: T.Type) {
        let bases = constantExponentBases(T.self) + [1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1]
        let exponents: [T] = [1.3, 0.3, -0.7, 2.2, -2.2, 3, -3, 2, -2, 7, 0.1, -1e-3, 1e10, -1e10, 1e30, 16_777_217,
                              4_503_599_627_370_497, 9_007_199_254_740_993, 123.25, -0.999,
                              // Either side of where the exponential is left unclamped (PowerExponent.small).
                              6, -6, 6.0001, 5.9, 1.9, -1.9, 1.9001, 1.7]
        for level in SIMDLevel.available {
            var mismatches: [String] = []
            for e in exponents {
                let uniform = run(bases, exponent: e, level: level)
                let general = run(bases, [T](repeating: e, count: bases.count), level: level)
                for i in bases.indices where !(uniform[i] == general[i] && uniform[i].sign == general[i].sign)
                    && !(uniform[i].isNaN && general[i].isNaN) {
                    mismatches.append("\(bases[i])^\(e): \(uniform[i]) against \(general[i])")
                }
            }
            let differing = mismatches.count
            #expect(differing == 0, "\(T.self) \(level): e.g. \(mismatches.prefix(5))")
        }
    }

    /// AVX2 and AVX-512 (where both are available) give the same bits for
    /// every pair, ordinary and hard (results next to overflow, next to
    /// underflow and subnormal), with the exponent per lane and as one
    /// value: AVX-512 applies 2^k with vscalefpd, AVX2 builds it from bits.
    static func checkLevelsAgree<T: ProgramScalar>(_: T.Type) {
        let fused = SIMDLevel.available.filter { $0 != .sse2 }
        guard fused.count > 1 else { return }
        let (x, y) = pairs(T.self), (hx, hy) = hardPairs(T.self)
        let bases = constantExponentBases(T.self)
        let exponents: [T] = [1.3, -0.7, 5.9, 1.9, -2.7, 7, 1e3]
        func runs(_ level: SIMDLevel) -> [[T]] {
            [run(x, y, level: level), run(hx, hy, level: level)] + exponents.map { run(bases, exponent: $0, level: level) }
        }
        let reference = runs(fused[0])
        for level in fused.dropFirst() {
            for (k, (a, b)) in zip(runs(level), reference).enumerated() {
                let differing = zip(a, b).filter { !($0 == $1 && $0.sign == $1.sign) && !($0.isNaN && $1.isNaN) }.count
                #expect(differing == 0, "\(T.self) \(level) against \(fused[0]), set \(k)")
            }
        }
    }

    @Test func floatLevelsAgreeBitForBit() { Self.checkLevelsAgree(Float.self) }
    @Test func doubleLevelsAgreeBitForBit() { Self.checkLevelsAgree(Double.self) }

    @Test func floatUniformExponentIsTheGeneralPow() { Self.checkUniformIsGeneral(Float.self) }
    @Test func doubleUniformExponentIsTheGeneralPow() { Self.checkUniformIsGeneral(Double.self) }

    /// A power with a real exponent and its derivative's power of the same
    /// base are one step that takes the base's logarithm once (and the
    /// base's abs, where only the two read it); its values
    /// are the bits of the unpaired plan's two power steps, at every level
    /// and thread count, in Float and Double, for ordinary and special bases.
    @Test func aPowerAndItsDerivativeArePaired() throws {
        let expression = try Expression.parse("abs(x1)^1.3 + x2^-2.7 - x1/(1 + x2^2) + abs(x2 - x1)^2.5", variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let paired = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true]).plan
        #expect(paired.steps.filter { $0.operation == .powerPair }.count == 3)
        #expect(paired.steps.filter { $0.operation == .power }.isEmpty)
        // Both abs values are read only by their pairs (2.5 and 1.5, both
        // half-integer, take the unpaired loops from |a|).
        #expect(paired.steps.filter(\.absoluteBase).count == 2)
        #expect(!paired.steps.contains { $0.operation == .abs })
        let unpaired = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true], fusing: false).plan
        #expect(unpaired.steps.filter { $0.operation == .power }.count == 6)
        #expect(unpaired.steps.filter { $0.operation == .abs }.count == 2)

        let x1f = Self.constantExponentBases(Float.self), x2f = x1f.reversed().map { $0 * 3 }
        let x1d = Self.constantExponentBases(Double.self), x2d = x1d.reversed().map { $0 * 3 }
        for level in SIMDLevel.available {
            #expect(CompoundStepTests.differences(CompoundStepTests.runPlan(program, fusing: true, [x1f, x2f], level: level),
                                                  CompoundStepTests.runPlan(program, fusing: false, [x1f, x2f], level: level)).isEmpty,
                    "Float, \(level)")
            #expect(CompoundStepTests.differences(CompoundStepTests.runPlan(program, fusing: true, [x1d, x2d], level: level),
                                                  CompoundStepTests.runPlan(program, fusing: false, [x1d, x2d], level: level)).isEmpty,
                    "Double, \(level)")
        }
    }

    /// The user-typed benchmark row's function runs through the vector pow:
    /// no lane goes through the C library (the plan has a power step, and
    /// its values agree with the scalar reference within the bound).
    @Test func aRealExponentIsOneVectorStep() throws {
        let expression = try Expression.parse("abs(x1)^1.5 + x2^3 - x1/(1 + x2^2)", variables: ["x1", "x2"])
        let program = Program.valueAndGradient(of: expression, inputs: ["x1", "x2"], respect: ["x1", "x2"])
        let plan = LanePlanBuilder.build(program, lanes: [true, true], stored: [true, true, true]).plan
        #expect(plan.steps.filter { $0.operation == .power }.count == 1)
    }
}
