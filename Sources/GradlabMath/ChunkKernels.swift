/// The per-chunk loops of ``ChunkExecutor``.
///
/// Each instruction is one `switch` per chunk and then one plain loop over
/// the chunk's lanes through raw pointers, with no per-element dispatch, so
/// the compiler can vectorize the arithmetic; transcendental functions go
/// through the ``LaneMath`` table.
extension ChunkExecutor {
    /// Runs `chunks` (indices of `chunkLanes`-lane chunks; the last may be short).
    func runChunks(
        _ chunks: Range<Int>, chunkLanes: Int, count: Int,
        inputs: [UnsafePointer<T>?], outputs: [UnsafeMutablePointer<T>]
    ) {
        guard !chunks.isEmpty else { return }
        // One allocation per worker per run; 64-byte alignment keeps every
        // register on cache-line (and AVX-512 vector) boundaries.
        let stride = (chunkLanes + 15) / 16 * 16
        let byteCount = max(registerCount * stride, 1) * MemoryLayout<T>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        defer { raw.deallocate() }
        let registers = raw.bindMemory(to: T.self, capacity: max(registerCount * stride, 1))

        for chunk in chunks {
            let start = chunk * chunkLanes
            let lanes = min(chunkLanes, count - start)

            func source(_ home: Home) -> LaneOperand<T> {
                switch home {
                case .uniform(let value): .scalar(value)
                // Unreachable for a lanes input; a uniform one is a .uniform home.
                case .input(let index): inputs[index].map { .lanes($0 + start) } ?? .scalar(.nan)
                case .register(let slot): .lanes(UnsafePointer(registers + slot * stride))
                case .output(let index): .lanes(UnsafePointer(outputs[index] + start))
                }
            }

            for step in steps {
                let result: UnsafeMutablePointer<T>
                switch step.destination {
                case .register(let slot): result = registers + slot * stride
                case .output(let index): result = outputs[index] + start
                case .uniform, .input: continue  // never a destination
                }
                switch step.operation {
                case .unary(let op, let a):
                    switch source(a) {
                    case .lanes(let x): Self.unary(op, x, result, lanes)
                    case .scalar(let x): Self.fill(result, lanes, ScalarMath.apply(op, x))
                    }
                case .binary(let op, let a, let b):
                    Self.binary(op, source(a), source(b), result, lanes)
                }
            }

            for (index, home) in outputSources.enumerated() {
                guard let home else { continue }
                let destination = outputs[index] + start
                switch source(home) {
                case .lanes(let x): destination.update(from: x, count: lanes)
                case .scalar(let x): Self.fill(destination, lanes, x)
                }
            }
        }
    }

    @inline(__always)
    static func fill(_ result: UnsafeMutablePointer<T>, _ n: Int, _ value: T) {
        for i in 0..<n { result[i] = value }
    }

    @inline(__always)
    static func map(_ x: UnsafePointer<T>, _ result: UnsafeMutablePointer<T>, _ n: Int, _ f: (T) -> T) {
        for i in 0..<n { result[i] = f(x[i]) }
    }

    /// One loop per operand shape; `f` is inlined into each, so every op
    /// gets its own straight loop.
    @inline(__always)
    static func zip(
        _ a: LaneOperand<T>, _ b: LaneOperand<T>, _ result: UnsafeMutablePointer<T>, _ n: Int,
        _ f: (T, T) -> T
    ) {
        switch (a, b) {
        case (.lanes(let x), .lanes(let y)): for i in 0..<n { result[i] = f(x[i], y[i]) }
        case (.lanes(let x), .scalar(let y)): for i in 0..<n { result[i] = f(x[i], y) }
        case (.scalar(let x), .lanes(let y)): for i in 0..<n { result[i] = f(x, y[i]) }
        case (.scalar(let x), .scalar(let y)): fill(result, n, f(x, y))
        }
    }

    static func unary(_ op: Program.UnaryOperation, _ x: UnsafePointer<T>, _ r: UnsafeMutablePointer<T>, _ n: Int) {
        switch op {
        case .negate: map(x, r, n) { -$0 }
        case .sin: T.sin(x, r, n)
        case .cos: T.cos(x, r, n)
        case .tan: T.tan(x, r, n)
        case .exp: T.exp(x, r, n)
        case .log: T.log(x, r, n)
        case .sqrt: map(x, r, n) { $0.squareRoot() }
        case .abs: map(x, r, n) { $0.magnitude }
        case .tanh: T.tanh(x, r, n)
        case .sigmoid: T.sigmoid(x, r, n)
        case .relu: map(x, r, n) { ScalarMath.relu($0) }
        case .sign: map(x, r, n) { ScalarMath.sign($0) }
        case .step: map(x, r, n) { ScalarMath.step($0) }
        }
    }

    static func binary(
        _ op: Program.BinaryOperation, _ a: LaneOperand<T>, _ b: LaneOperand<T>, _ r: UnsafeMutablePointer<T>, _ n: Int
    ) {
        switch op {
        case .add: zip(a, b, r, n) { $0 + $1 }
        case .subtract: zip(a, b, r, n) { $0 - $1 }
        case .multiply: zip(a, b, r, n) { $0 * $1 }
        case .divide: zip(a, b, r, n) { $0 / $1 }
        case .power: T.pow(a, b, r, n)
        case .minimum: zip(a, b, r, n) { ScalarMath.minimum($0, $1) }
        case .maximum: zip(a, b, r, n) { ScalarMath.maximum($0, $1) }
        case .minimumGradient: zip(a, b, r, n) { ScalarMath.minimumGradient($0, $1) }
        case .maximumGradient: zip(a, b, r, n) { ScalarMath.maximumGradient($0, $1) }
        }
    }
}
