/// Which lab is trained: the tutorial's three examples.
public enum LabKind: String, CaseIterable, Codable, Sendable {
    /// Many points descending f(x1, x2) (Example 1).
    case landscape
    /// a*t^2 + b*t + c fitted by full-batch MSE (Example 2).
    case quadratic
    /// weight*x + bias fitted by per-sample SGD on L1 loss (Example 3).
    case linear
}

/// The floating-point type a lab computes in.
public enum DType: String, CaseIterable, Codable, Sendable {
    case f32, f64
}

/// Everything needed to build a lab and re-run it deterministically; it is
/// the `config` of a run file.
public struct LabConfig: Codable, Sendable, Equatable {
    public var lab: LabKind
    /// The landscape's f(x1, x2), or the model's per-sample loss, as text.
    public var function: String
    /// The named landscape `function` came from, if any (`rosenbrock`).
    public var functionName: String?
    public var dtype: DType
    public var optimizer: OptimizerConfig
    /// Landscape `--compare`: one optimizer per group of points, every group
    /// starting from the same points. Nil: one group with ``optimizer``.
    public var compare: [OptimizerConfig]?
    /// Learning-rate schedule (`torch.optim.lr_scheduler`), stepped once per
    /// epoch; nil or `.constant` keeps the rate.
    public var schedule: LearningRateSchedule?
    public var epochs: Int
    /// Seed of gradlab's NumPy-compatible generator (start points, default data, init).
    public var seed: UInt32
    /// `auto`, `cpu` or `cuda`, as asked.
    public var device: String

    // Landscape
    public var points: Int
    /// x1 min, x1 max, x2 min, x2 max.
    public var domain: [Double]
    /// Start points as [x1, x2] when they came from a file (kept so a replay
    /// or fork does not need the file).
    public var starts: [[Double]]?
    /// How many points the run file records positions of.
    public var trackedPoints: Int

    // Quadratic and linear
    /// Data columns when given or loaded (`t`/`v`, `x`/`y`, optional `split`).
    public var data: [String: [Double]]?
    /// Explicit train/test membership from a `split` column.
    public var splitLabels: [String]?
    /// Initial parameters given with `--init`.
    public var initial: [String: Double]
    public var testSize: Double
    public var splitSeed: UInt32
    /// Where data or starts came from: `generated`, or a file path.
    public var dataSource: String

    /// A resumed run's (`--load`) starting state: the checkpoint's epoch,
    /// parameters and optimizer state, so a fork re-runs the run from there.
    /// Nil for a run from scratch.
    public var resume: ResumeState?

    /// The tutorial's defaults for `lab`.
    public init(lab: LabKind) {
        self.lab = lab
        functionName = nil
        compare = nil
        schedule = nil
        device = "auto"
        seed = 0
        points = 5
        domain = [0, 10, 0, 10]
        starts = nil
        trackedPoints = 1000
        data = nil
        splitLabels = nil
        initial = [:]
        testSize = 0.3
        splitSeed = 42
        dataSource = "generated"
        resume = nil
        switch lab {
        case .landscape:
            function = LabConfig.tutorialFunction
            dtype = .f64
            optimizer = OptimizerConfig(kind: .sgd)
            optimizer.lr = 1e-3
            epochs = 30
        case .quadratic:
            function = "(v - (a*t^2 + b*t + c))^2"
            dtype = .f32
            optimizer = OptimizerConfig(kind: .sgd)
            optimizer.lr = 1e-5
            epochs = 20
        case .linear:
            function = "abs(weight*x + bias - y)"
            dtype = .f32
            optimizer = OptimizerConfig(kind: .sgd)
            optimizer.lr = 1e-3
            epochs = 50
        }
    }

    /// The tutorial's Example 1 function.
    public static let tutorialFunction = "sin(x1)*cos(x2) + sin(0.5*x1)*cos(0.5*x2)"

    /// The lab's trainable parameter names, in buffer order.
    public var parameterNames: [String] {
        switch lab {
        case .landscape: return ["x1", "x2"]
        case .quadratic: return ["a", "b", "c"]
        case .linear: return ["weight", "bias"]
        }
    }

    /// The data columns a lab's CSV needs.
    public var dataColumns: [String] {
        switch lab {
        case .landscape: return ["x1", "x2"]
        case .quadratic: return ["t", "v"]
        case .linear: return ["x", "y"]
        }
    }

    /// The optimizer of each group (one unless comparing).
    public var groups: [OptimizerConfig] { compare ?? [optimizer] }

    /// Checks ranges that the CLI and run files must both respect.
    /// Why Newton cannot run on `lab`, or nil: the linear lab's L1 loss has
    /// no curvature (its Hessian is 0 wherever it is defined).
    /// The message names `--optimizer` where `spelling` is `.flags`.
    public static func newtonRefusal(lab: LabKind, optimizer: OptimizerConfig, spelling: OptionSpelling = .flags) -> String? {
        guard optimizer.kind == .newton, lab == .linear else { return nil }
        return (spelling == .flags ? "--optimizer newton" : "newton")
            + ": the linear lab's L1 loss has no curvature (its Hessian is 0), so Newton has nothing to divide by; use the landscape or the quadratic lab"
    }

    /// Whether `values` is a plane domain: `[x1 min, x1 max, x2 min, x2 max]`,
    /// finite, each min below its max, each width max − min finite too
    /// (`--domain`, `:f`, `:domain`, run files): `-1e308,1e308` overflowed
    /// the width to infinity and every start point to NaN.
    public static func isDomain(_ values: [Double]) -> Bool {
        values.count == 4 && values.allSatisfy(\.isFinite) && values[0] < values[1] && values[2] < values[3]
            && (values[1] - values[0]).isFinite && (values[3] - values[2]).isFinite
    }

    /// The config's integer fields and the values a run file may give them
    /// (counts from 0; seeds are 32-bit unsigned), which its reader checks.
    static let integerRanges: [(String, ClosedRange<Int>)] = [
        ("epochs", 0...Int.max), ("points", 0...Int.max), ("trackedPoints", 0...Int.max),
        ("seed", 0...Int(UInt32.max)), ("splitSeed", 0...Int(UInt32.max)),
    ]

    public func validate() throws(GradlabError) {
        for group in groups { try group.validate() }
        if let newton = Self.newtonRefusal(lab: lab, optimizer: optimizer) { throw GradlabError(newton) }
        try schedule?.validate()
        if compare != nil, lab != .landscape {
            throw GradlabError("--compare applies to the landscape lab only (this is --lab \(lab.rawValue))")
        }
        if epochs < 1 { throw GradlabError("--epochs must be at least 1, got \(epochs)") }
        if lab == .landscape {
            if points < 1 { throw GradlabError("--points must be at least 1, got \(points)") }
            guard Self.isDomain(domain) else {
                throw GradlabError("--domain must be x1min,x1max,x2min,x2max with min < max and max - min finite, got \(domain.map(formatNumber).joined(separator: ","))")
            }
            if trackedPoints < 0 { throw GradlabError("--track must be >= 0, got \(trackedPoints)") }
        }
        if lab == .linear, !(testSize > 0 && testSize < 1) {
            throw GradlabError("--test-size must be in (0, 1), got \(testSize)")
        }
    }
}
