/// One parameter's value (``OneLane``) or eight of them (`SIMD8`), for the
/// optimizers' elementwise updates. Each update is written once over a lane
/// type and runs eight parameters at a time, then one at a time for the
/// rest: the same IEEE operations in the same order either way, so the same
/// bits as a scalar loop (the torch.optim fixtures check them).
protocol UpdateLane {
    associatedtype Scalar: BinaryFloatingPoint & SIMDScalar
    init(broadcast: Scalar)
    static func load(_ p: UnsafePointer<Scalar>) -> Self
    func store(_ p: UnsafeMutablePointer<Scalar>)
    static func + (a: Self, b: Self) -> Self
    static func - (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
    static func / (a: Self, b: Self) -> Self
    func squareRoot() -> Self
    /// `Swift.max(a, b)`: `b` where `b >= a`, else `a`.
    static func larger(_ a: Self, _ b: Self) -> Self
}

/// One parameter.
struct OneLane<Scalar: BinaryFloatingPoint & SIMDScalar>: UpdateLane {
    var value: Scalar

    @inline(__always) init(broadcast: Scalar) { value = broadcast }
    @inline(__always) static func load(_ p: UnsafePointer<Scalar>) -> OneLane { OneLane(broadcast: p.pointee) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>) { p.pointee = value }
    @inline(__always) static func + (a: OneLane, b: OneLane) -> OneLane { OneLane(broadcast: a.value + b.value) }
    @inline(__always) static func - (a: OneLane, b: OneLane) -> OneLane { OneLane(broadcast: a.value - b.value) }
    @inline(__always) static func * (a: OneLane, b: OneLane) -> OneLane { OneLane(broadcast: a.value * b.value) }
    @inline(__always) static func / (a: OneLane, b: OneLane) -> OneLane { OneLane(broadcast: a.value / b.value) }
    @inline(__always) func squareRoot() -> OneLane { OneLane(broadcast: value.squareRoot()) }
    @inline(__always) static func larger(_ a: OneLane, _ b: OneLane) -> OneLane { OneLane(broadcast: Swift.max(a.value, b.value)) }
}

extension SIMD8: UpdateLane where Scalar: BinaryFloatingPoint {
    @inline(__always) init(broadcast: Scalar) { self.init(repeating: broadcast) }
    @inline(__always) static func load(_ p: UnsafePointer<Scalar>) -> SIMD8 { UnsafeRawPointer(p).loadUnaligned(as: SIMD8.self) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<Scalar>) { UnsafeMutableRawPointer(p).storeBytes(of: self, as: SIMD8.self) }
    @inline(__always) static func larger(_ a: SIMD8, _ b: SIMD8) -> SIMD8 { a.replacing(with: b, where: b .>= a) }
}

/// ``lerp(_:_:_:)`` for a lane: the weight is the same for every parameter.
@inline(__always)
func lerpLane<L: UpdateLane>(_ start: L, _ end: L, _ weight: Double) -> L {
    let w = L.Scalar(weight)
    if abs(w) < 0.5 {
        return start + L(broadcast: w) * (end - start)
    }
    return end - (end - start) * L(broadcast: 1 - w)
}
