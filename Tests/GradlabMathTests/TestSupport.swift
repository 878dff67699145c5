@testable import GradlabMath

/// A small seeded generator (SplitMix64), so test data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A random tree over x, y, z with awkward numbers (negative, tiny, huge, -0).
func randomExpression(depth: Int, _ random: inout SplitMix64) -> Expression {
    let numbers: [Double] = [0, -0.0, 1, -2, 0.5, -0.1, 1e-7, 3e21, 123456.75, .infinity, Double.pi]
    if depth == 0 || Int.random(in: 0..<4, using: &random) == 0 {
        if Bool.random(using: &random) { return .variable(["x", "y", "z"].randomElement(using: &random) ?? "x") }
        return .number(numbers.randomElement(using: &random) ?? 1)
    }
    if Bool.random(using: &random) {
        let function = UnaryFunction.allCases.randomElement(using: &random) ?? .negate
        return .unary(function, randomExpression(depth: depth - 1, &random))
    }
    let op = BinaryOperator.allCases.randomElement(using: &random) ?? .add
    return .binary(op, randomExpression(depth: depth - 1, &random), randomExpression(depth: depth - 1, &random))
}

/// |a - b| <= tolerance * max(|a|, |b|); equal values (zeros, infinities) pass.
func close(_ a: Double, _ b: Double, relative tolerance: Double) -> Bool {
    a == b || (a - b).magnitude <= tolerance * max(a.magnitude, b.magnitude)
}

/// Bit-identical, so NaN equals NaN and 0 differs from -0.
func identical<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Bool where T.RawSignificand: FixedWidthInteger {
    a.significandBitPattern == b.significandBitPattern && a.exponentBitPattern == b.exponentBitPattern && a.sign == b.sign
}
