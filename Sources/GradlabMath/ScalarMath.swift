/// The meaning of every Program operation on one scalar.
///
/// This is the single definition that the scalar interpreter, constant
/// folding, ``Expression/evaluate(_:)`` and the chunk kernels' element
/// functions share, so all of them agree bit for bit. Conventions follow
/// PyTorch (see `docs/expressions.md`).
enum ScalarMath {
    @inline(__always)
    static func apply<T: ProgramScalar>(_ op: Program.UnaryOperation, _ x: T) -> T {
        switch op {
        case .negate: -x
        case .sin: T.sin(x)
        case .cos: T.cos(x)
        case .tan: T.tan(x)
        case .exp: T.exp(x)
        case .log: T.log(x)
        case .sqrt: x.squareRoot()
        case .abs: x.magnitude
        case .tanh: T.tanh(x)
        case .sigmoid: sigmoid(x)
        case .relu: relu(x)
        case .sign: sign(x)
        case .step: step(x)
        }
    }

    @inline(__always)
    static func apply<T: ProgramScalar>(_ op: Program.BinaryOperation, _ a: T, _ b: T) -> T {
        switch op {
        case .add: a + b
        case .subtract: a - b
        case .multiply: a * b
        case .divide: a / b
        case .power: T._libmPow(a, b)
        case .minimum: minimum(a, b)
        case .maximum: maximum(a, b)
        case .minimumGradient: minimumGradient(a, b)
        case .maximumGradient: maximumGradient(a, b)
        case .larger: b >= a ? b : a
        }
    }

    /// torch.sigmoid: 1 / (1 + exp(-x)).
    @inline(__always) static func sigmoid<T: ProgramScalar>(_ x: T) -> T { 1 / (1 + T.exp(-x)) }

    /// torch.relu: NaN stays NaN, and -0 stays -0 like `clamp_min(x, 0)`.
    @inline(__always) static func relu<T: ProgramScalar>(_ x: T) -> T { x < 0 ? 0 : x }

    /// torch.sign, the derivative of abs: 0 at ±0 and at NaN.
    @inline(__always) static func sign<T: ProgramScalar>(_ x: T) -> T {
        (x > 0 ? 1 : 0) - (x < 0 ? 1 : 0)
    }

    /// The derivative of relu as torch's `threshold_backward` computes it
    /// from relu's output: 0 where the output is <= 0, else 1 (NaN gives 1).
    @inline(__always) static func step<T: ProgramScalar>(_ x: T) -> T { x <= 0 ? 0 : 1 }

    /// torch.minimum: a NaN in either argument is returned.
    @inline(__always) static func minimum<T: ProgramScalar>(_ a: T, _ b: T) -> T {
        (a < b || a.isNaN) ? a : b
    }

    /// torch.maximum: a NaN in either argument is returned.
    @inline(__always) static func maximum<T: ProgramScalar>(_ a: T, _ b: T) -> T {
        (a > b || a.isNaN) ? a : b
    }

    /// d min(a, b) / da as torch's autograd has it: ties split the gradient
    /// in half, and NaN comparisons pass it whole.
    @inline(__always) static func minimumGradient<T: ProgramScalar>(_ a: T, _ b: T) -> T {
        a == b ? 0.5 : (a > b ? 0 : 1)
    }

    /// d max(a, b) / da as torch's autograd has it (see ``minimumGradient(_:_:)``).
    @inline(__always) static func maximumGradient<T: ProgramScalar>(_ a: T, _ b: T) -> T {
        a == b ? 0.5 : (a < b ? 0 : 1)
    }

    /// `x^c` for a constant `c`, with the fast paths torch takes for a
    /// scalar exponent. The compiler emits the same instructions, so this
    /// and a compiled Program agree exactly.
    static func power<T: ProgramScalar>(_ x: T, constantExponent c: T) -> T {
        switch c {
        case 0: 1
        case 1: x
        case 2: x * x
        case 3: x * x * x
        case 0.5: x.squareRoot()
        case -0.5: 1 / x.squareRoot()
        case -1: 1 / x
        case -2: 1 / (x * x)
        default: T._libmPow(x, c)
        }
    }
}
