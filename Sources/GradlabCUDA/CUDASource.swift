import Foundation
import GradlabDevice
import GradlabMath

/// CUDA C for a ``Sweep``, generated from its Program: the same
/// instructions the CPU plans from, so a user-typed function, every
/// optimizer's rule and every reduction run on the GPU with no code of their
/// own.
///
/// A parallel sweep is one kernel, `gradlab_sweep`: each thread takes lanes
/// `i, i + gridDim*blockDim, ...`, loads the lane's inputs, evaluates the
/// Program (one `const` per instruction), stores its outputs (an output bound
/// to an input's slice updates it in place: every load of a lane comes
/// before its stores), copies the first lanes of some outputs, and keeps
/// its reductions in Double; a block combines its threads' in shared memory
/// (a fixed tree, so the same order every run) and writes one partial per
/// block; `gradlab_finish` (one thread per reduction) combines the blocks in
/// order. A sequential sweep (per-sample SGD, or sums that must be added lane
/// by lane) is one thread walking its lanes in order.
///
/// Under `GRADLAB_HOST_EMULATION` the source also defines `<kernel>_emu`
/// entry points taking the launch's argument array, so the same text,
/// compiled as C++ on the CPU with `Tests/CUDAEmulation/gradlab_emulation.h`,
/// runs the kernels (docs/devices.md).
public struct CUDASource: Sendable, Equatable {
    public var text: String
    /// Threads per block of the sweep kernel (the reduction tree's width).
    public static let blockSize = 256

    public var isSequential: Bool
    /// Whether there is a `gradlab_finish` kernel (a parallel sweep that reduces).
    public var hasFinish: Bool
    /// Columns of each block's partials: sums, then the sum of squares,
    /// then min, max and a NaN flag of the extremes.
    public var reducedColumns: Int

    /// The kernel's parameters, in order (what a launch passes).
    public var parameters: [Parameter]

    public enum Parameter: Sendable, Equatable {
        case lanes, first, copiedLanes, scalarWidth
        /// A pointer bound to input or output `index` (a lane or element slice).
        case input(Int), output(Int)
        /// The first lanes of output `index`, copied out.
        case copy(Int)
        case scalarTable, sumsIn, partials, totals
    }

    /// The source for `sweep` in `T`.
    public init<T: ProgramScalar>(_ sweep: Sweep<T>) {
        self.init(program: sweep.program, dtype: T.self == Float.self ? .float : .double,
                  inputs: sweep.inputs.map(InputKind.init), outputs: sweep.outputs.map(OutputKind.init),
                  sequential: sweep.mode == .sequential || sweep.orderedSums,
                  summed: sweep.summed, extremesOf: sweep.extremesOf, squaresOf: sweep.squaresOf, copied: sweep.copied)
    }

    public enum DType: Sendable { case float, double }

    enum InputKind: Equatable {
        case lanes, element, scalar(Int)
        init<T>(_ input: SweepInput<T>) {
            switch input {
            case .lanes: self = .lanes
            case .element: self = .element
            case .scalar(let slot): self = .scalar(slot)
            }
        }
    }

    enum OutputKind: Equatable {
        case discard, lanes, element
        init<T>(_ output: SweepOutput<T>) {
            switch output {
            case .discard: self = .discard
            case .lanes: self = .lanes
            case .element: self = .element
            }
        }
    }

    init(program: Program, dtype: DType, inputs: [InputKind], outputs: [OutputKind], sequential: Bool,
         summed: [Int], extremesOf: Int?, squaresOf: [Int], copied: [Int]) {
        let t = dtype == .float ? "float" : "double"
        isSequential = sequential
        var parameters: [Parameter] = [.lanes, .first, .copiedLanes, .scalarWidth]
        var signature = ["long long lanes", "long long first", "long long copiedLanes", "int scalarWidth"]
        for (i, kind) in inputs.enumerated() where !Self.isScalar(kind) {
            parameters.append(.input(i)); signature.append("\(t)* in\(i)")
        }
        for (k, kind) in outputs.enumerated() where kind != .discard {
            parameters.append(.output(k)); signature.append("\(t)* out\(k)")
        }
        for k in copied { parameters.append(.copy(k)); signature.append("\(t)* copy\(k)") }
        parameters.append(.scalarTable); signature.append("const \(t)* scalars")
        if sequential {
            parameters += [.sumsIn, .totals]; signature += ["const double* sumsIn", "double* totals"]
        } else {
            parameters.append(.partials); signature.append("double* partials")
        }
        self.parameters = parameters
        let columns = summed.count + (squaresOf.isEmpty ? 0 : 1) + (extremesOf == nil ? 0 : 3)
        reducedColumns = columns
        let hasFinish = !sequential && columns > 0
        self.hasFinish = hasFinish

        var lines: [String] = []
        func line(_ text: String) { lines.append(text) }
        line("// gradlab sweep: \(program.outputNames.joined(separator: ", ")); \(t); \(sequential ? "sequential" : "parallel")")
        line("// inputs: \(program.inputs.joined(separator: ", "))")
        line(dtype == .float ? "#define GL_NAN __int_as_float(0x7fc00000)\n#define GL_INF __int_as_float(0x7f800000)"
                             : "#define GL_NAN __longlong_as_double(0x7ff8000000000000LL)\n#define GL_INF __longlong_as_double(0x7ff0000000000000LL)")
        line("")
        line("extern \"C\" __global__ void gradlab_sweep(\(signature.joined(separator: ", "))) {")
        // Accumulators.
        for (c, _) in summed.enumerated() { line("    double sum\(c) = \(sequential ? "sumsIn[\(c)]" : "0.0");") }
        if !squaresOf.isEmpty { line("    double squares = \(sequential ? "sumsIn[\(summed.count)]" : "0.0");") }
        if extremesOf != nil { line("    \(t) lowest = GL_INF, highest = -GL_INF; int sawNaN = 0;") }
        if sequential {
            line("    if (blockIdx.x != 0 || threadIdx.x != 0) return;")
            line("    for (long long j = 0; j < lanes; ++j) {")
            line("        const long long i = first + j;")
        } else {
            line("    const long long stride = (long long)gridDim.x * blockDim.x;")
            line("    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < lanes; i += stride) {")
            line("        const long long j = i;")
        }
        // The Program, one const per instruction.
        let f = dtype == .float ? "f" : ""
        func value(_ id: Int) -> String { "v\(id)" }
        for (id, instruction) in program.instructions.enumerated() {
            let expression: String
            switch instruction {
            case .input(let index):
                switch inputs[index] {
                case .lanes: expression = "in\(index)[i]"
                case .element: expression = "in\(index)[0]"
                case .scalar(let slot): expression = "scalars[(scalarWidth > 0 ? j * scalarWidth : 0) + \(slot)]"
                }
            case .constant(let c): expression = Self.literal(c, dtype)
            case .unary(let op, let a):
                let x = value(a)
                switch op {
                case .negate: expression = "-\(x)"
                case .sin, .cos, .tan, .exp, .log, .sqrt, .tanh: expression = "\(op.rawValue)\(f)(\(x))"
                case .abs: expression = "fabs\(f)(\(x))"
                case .sigmoid: expression = "(\(t))1 / ((\(t))1 + exp\(f)(-\(x)))"
                case .relu: expression = "(\(x) < (\(t))0 ? (\(t))0 : \(x))"
                case .sign: expression = "(\(t))((\(x) > (\(t))0) - (\(x) < (\(t))0))"
                case .step: expression = "(\(x) <= (\(t))0 ? (\(t))0 : (\(t))1)"
                }
            case .binary(let op, let a, let b):
                let (x, y) = (value(a), value(b))
                switch op {
                case .add: expression = "\(x) + \(y)"
                case .subtract: expression = "\(x) - \(y)"
                case .multiply: expression = "\(x) * \(y)"
                case .divide: expression = "\(x) / \(y)"
                case .power: expression = "pow\(f)(\(x), \(y))"
                case .minimum: expression = "((\(x) < \(y) || \(x) != \(x)) ? \(x) : \(y))"
                case .maximum: expression = "((\(x) > \(y) || \(x) != \(x)) ? \(x) : \(y))"
                case .minimumGradient: expression = "(\(x) == \(y) ? (\(t))0.5 : (\(x) > \(y) ? (\(t))0 : (\(t))1))"
                case .maximumGradient: expression = "(\(x) == \(y) ? (\(t))0.5 : (\(x) < \(y) ? (\(t))0 : (\(t))1))"
                case .larger: expression = "(\(y) >= \(x) ? \(y) : \(x))"
                }
            }
            line("        const \(t) \(value(id)) = \(expression);")
        }
        // Stores after every load of the lane.
        for (k, kind) in outputs.enumerated() {
            switch kind {
            case .discard: break
            case .lanes: line("        out\(k)[i] = \(value(program.outputs[k]));")
            case .element: line("        out\(k)[0] = \(value(program.outputs[k]));")
            }
        }
        if !copied.isEmpty {
            line("        if (i < copiedLanes) {")
            for k in copied { line("            copy\(k)[i] = \(value(program.outputs[k]));") }
            line("        }")
        }
        for (c, k) in summed.enumerated() { line("        sum\(c) += (double)\(value(program.outputs[k]));") }
        for k in squaresOf { line("        squares += (double)\(value(program.outputs[k])) * (double)\(value(program.outputs[k]));") }
        if let e = extremesOf {
            let v = value(program.outputs[e])
            line("        if (\(v) != \(v)) sawNaN = 1; else { if (\(v) < lowest) lowest = \(v); if (\(v) > highest) highest = \(v); }")
        }
        line("    }")
        var columnValues = summed.indices.map { "sum\($0)" }
        if !squaresOf.isEmpty { columnValues.append("squares") }
        if extremesOf != nil { columnValues += ["(double)lowest", "(double)highest", "(double)sawNaN"] }
        if sequential {
            for (c, v) in columnValues.enumerated() { line("    totals[\(c)] = \(v);") }
        } else if columns > 0 {
            // The block's threads combined in shared memory, a fixed tree.
            let n = Self.blockSize
            line("    __shared__ double reduced[\(columns)][\(n)];")
            for (c, v) in columnValues.enumerated() { line("    reduced[\(c)][threadIdx.x] = \(v);") }
            line("    __syncthreads();")
            line("    for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {")
            line("        if (threadIdx.x < s) {")
            for c in 0..<columns {
                let kind = Self.columnKind(c, summed: summed.count, squares: !squaresOf.isEmpty)
                let (a, b) = ("reduced[\(c)][threadIdx.x]", "reduced[\(c)][threadIdx.x + s]")
                switch kind {
                case .sum: line("            \(a) += \(b);")
                case .min: line("            if (\(b) < \(a)) \(a) = \(b);")
                case .max: line("            if (\(b) > \(a)) \(a) = \(b);")
                }
            }
            line("        }")
            line("        __syncthreads();")
            line("    }")
            line("    if (threadIdx.x == 0) {")
            for c in 0..<columns { line("        partials[(long long)blockIdx.x * \(columns) + \(c)] = reduced[\(c)][0];") }
            line("    }")
        }
        line("}")
        if hasFinish {
            // The blocks' partials, in block order.
            line("")
            line("extern \"C\" __global__ void gradlab_finish(const double* partials, int blocks, double* totals) {")
            line("    const int c = threadIdx.x;")
            line("    if (c >= \(columns)) return;")
            line("    double total = partials[c];")
            line("    for (int b = 1; b < blocks; ++b) {")
            line("        const double v = partials[(long long)b * \(columns) + c];")
            var conditions: [String] = []
            for c in 0..<columns {
                switch Self.columnKind(c, summed: summed.count, squares: !squaresOf.isEmpty) {
                case .sum: conditions.append("c == \(c) ? total + v")
                case .min: conditions.append("c == \(c) ? (v < total ? v : total)")
                case .max: conditions.append("c == \(c) ? (v > total ? v : total)")
                }
            }
            line("        total = \(conditions.joined(separator: " : ")) : total;")
            line("    }")
            line("    totals[c] = total;")
            line("}")
        }
        // Host emulation: entry points taking the launch's argument array.
        line("")
        line("#ifdef GRADLAB_HOST_EMULATION")
        let unpacked = signature.enumerated().map { index, declaration -> String in
            let type = declaration[..<(declaration.lastIndex(of: " ") ?? declaration.endIndex)]
            return "*(\(type)*)arguments[\(index)]"
        }
        line("extern \"C\" void gradlab_sweep_emu(void** arguments) { gradlab_sweep(\(unpacked.joined(separator: ", "))); }")
        if hasFinish {
            line("extern \"C\" void gradlab_finish_emu(void** arguments) { gradlab_finish(*(const double**)arguments[0], *(int*)arguments[1], *(double**)arguments[2]); }")
        }
        line("#endif")
        text = lines.joined(separator: "\n") + "\n"
    }

    private static func isScalar(_ kind: InputKind) -> Bool {
        if case .scalar = kind { return true }
        return false
    }

    enum ColumnKind { case sum, min, max }

    static func columnKind(_ c: Int, summed: Int, squares: Bool) -> ColumnKind {
        let base = summed + (squares ? 1 : 0)
        if c < base { return .sum }
        switch c - base {
        case 0: return .min
        case 1: return .max
        default: return .max  // the NaN flag: any block's 1
        }
    }

    /// `value` in the dtype, exactly: a hexadecimal literal rounded as `T(value)`.
    static func literal(_ value: Double, _ dtype: DType) -> String {
        if value.isNaN { return "GL_NAN" }
        if value.isInfinite { return value > 0 ? "GL_INF" : "(-GL_INF)" }
        let hex = String(format: "%a", value)
        return dtype == .float ? "((float)\(hex))" : "(\(hex))"
    }
}
