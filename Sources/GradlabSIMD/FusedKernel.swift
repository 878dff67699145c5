/// The fused loops the kernels have: each one an optimizer update's whole
/// arithmetic for one parameter, computed in registers in one pass over a
/// chunk instead of one pass per step (docs/performance.md, "Fused updates").
///
/// A fused kernel is not a second definition of its optimizer. The rule
/// (GradlabCore's `OptimizerRule`) still emits its update into the
/// Program; the plan builder (GradlabMath's `LaneFusionMatcher`) replaces
/// a run of steps by a fused step only where the steps compute exactly the
/// kernel's ``pattern``, operation for operation and operand for operand.
/// Each operation rounds as the step it replaces does, so the results are
/// the same bits; an update of any other form (another option, a changed
/// rule) runs step by step as before.
public enum FusedKernel: Int, Sendable, CaseIterable {
    /// torch.optim.Adam with its defaults' form: no weight decay, no
    /// amsgrad, not maximizing, `1 - beta1 < 0.5`.
    case adam
    /// torch.optim.AdamW's form: Adam with `p * (1 - lr * weight_decay)`.
    case adamW
    /// torch.optim.RMSprop's defaults' form: no momentum, not centered, no
    /// weight decay.
    case rmsprop
    /// torch.optim.Adagrad's defaults' form: no weight decay.
    case adagrad
    /// torch.optim.NAdam's defaults' form: no weight decay, not maximizing.
    case nadam
    /// torch.optim.RAdam once the variance is rectified (`rho_t > 5`), no
    /// weight decay, not maximizing.
    case radam
    /// torch.optim.Adamax's defaults' form: no weight decay, not maximizing.
    case adamax
    /// torch.optim.Adadelta's defaults' form: no weight decay, not maximizing.
    case adadelta
    /// torch.optim.Rprop, not maximizing.
    case rprop

    /// How many operands the kernel reads: the first ``laneOperandCount``
    /// have lanes, the rest are uniform (a step's hyperparameters). The
    /// same as its ``pattern``'s (a test checks).
    public var operandCount: Int {
        switch self {
        case .adam: 10
        case .adamW, .nadam: 11
        case .rmsprop: 7
        case .adagrad: 5
        case .radam: 13
        case .adamax, .adadelta: 8
        case .rprop: 9
        }
    }

    /// How many results it stores: new state, new value, how far it moved.
    public var resultCount: Int {
        switch self {
        case .rmsprop, .adagrad: 3
        default: 4
        }
    }

    /// Operands with lanes (gradient, state, parameter), before the uniform ones.
    public var laneOperandCount: Int {
        switch self {
        case .rmsprop, .adagrad: 3
        default: 4
        }
    }

    /// The steps the kernel computes, as a graph of operations over its
    /// operands, recorded from the kernel's own arithmetic
    /// (`FusedUpdates`), so the pattern the plan builder looks for is what
    /// the loop computes.
    public var pattern: FusedPattern { FusedPattern.record(self) }
}

/// A fused kernel's arithmetic as a graph: ``nodes`` in the order computed,
/// each an operand or an operation on earlier nodes, and which nodes are
/// its results (in the kernel's order).
public struct FusedPattern: Sendable, Equatable {
    public enum Node: Sendable, Equatable {
        case operand(Int)
        /// `operation` (arithmetic, maximum, minimum, negate, abs, sign,
        /// step or sqrt) of earlier nodes.
        case operation(LaneOperation, [Int])
    }

    public var nodes: [Node]
    public var results: [Int]
    public var operandCount: Int

    /// Runs the kernel's arithmetic on symbols and keeps what it did: the
    /// operands are nodes 0..<operandCount, lane operands first.
    static func record(_ kernel: FusedKernel) -> FusedPattern {
        let recorder = FusedPatternRecorder()
        let operands = (0..<kernel.operandCount).map { k in Fused<SymbolArithmetic>(recorder.add(.operand(k)), recorder) }
        let lanes = kernel.laneOperandCount
        func lane(_ k: Int) -> Fused<SymbolArithmetic> { operands[min(k, lanes - 1)] }
        func uniform(_ k: Int) -> Fused<SymbolArithmetic> { operands[min(lanes + k, operands.count - 1)] }
        let x = FusedOperands(a: lane(0), b: lane(1), c: lane(2), d: lane(3), u0: uniform(0), u1: uniform(1), u2: uniform(2),
                              u3: uniform(3), u4: uniform(4), u5: uniform(5), u6: uniform(6), u7: uniform(7), u8: uniform(8))
        let r = FusedUpdates.results(kernel, x)
        let results = [r.0.value, r.1.value, r.2.value, r.3.value].prefix(kernel.resultCount)
        return FusedPattern(nodes: recorder.nodes, results: Array(results), operandCount: kernel.operandCount)
    }
}

/// The graph a recording builds.
final class FusedPatternRecorder {
    private(set) var nodes: [FusedPattern.Node] = []

    func add(_ node: FusedPattern.Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }
}

/// Arithmetic on symbols: each operation adds a node to the recording.
enum SymbolArithmetic: FusedArithmetic {
    typealias Value = Int
    typealias Context = FusedPatternRecorder

    static func apply(_ op: LaneOperation, _ a: Fused<Self>, _ b: Fused<Self>) -> Fused<Self> {
        Fused(a.context.add(.operation(op, [a.value, b.value])), a.context)
    }

    static func apply(_ op: LaneOperation, _ a: Fused<Self>) -> Fused<Self> {
        Fused(a.context.add(.operation(op, [a.value])), a.context)
    }

    static func quotient(_ a: Fused<Self>, byUniform b: Fused<Self>) -> Fused<Self> { apply(.divide, a, b) }

    static func bound(_ op: LaneOperation, _ a: Fused<Self>, uniform b: Fused<Self>) -> Fused<Self> { apply(op, a, b) }

    static func quotients(_ a: Fused<Self>, _ b: Fused<Self>, by d: Fused<Self>) -> (Fused<Self>, Fused<Self>) {
        (apply(.divide, a, d), apply(.divide, b, d))
    }
}
