import ArgumentParser
import GradlabCore

/// Which lab and what it computes on: its function or data, the split, the
/// dtype and the device. What both training (``LabOptions``) and
/// evaluating a checkpoint (`gradlab eval`) take.
struct LabSelection: ParsableArguments {
    @Option(help: "The lab: landscape, quadratic or linear.")
    var lab: LabKind = .landscape

    @Option(name: .customLong("f"), parsing: .unconditional, help: ArgumentHelp("The landscape's f(x1,x2): a named function (see 'gradlab functions') or an expression like 'x1^2 + 3*x2^2'.", valueName: "name|expr"))
    var function: String?

    @Option(help: ArgumentHelp("Quadratic: CSV with header t,v. Linear: CSV with header x,y and an optional split column (train/test).", valueName: "file.csv"))
    var data: String?

    @Option(name: .customLong("test-size"), parsing: .unconditional, help: "Linear: fraction of rows held out for testing.")
    var testSize: Double = 0.3

    @Option(name: .customLong("split-seed"), parsing: .unconditional, help: "Linear: scikit-learn train_test_split random_state. (default: 42)", transform: WholeNumber.seed)
    var splitSeed: UInt32 = 42

    @Option(help: "f32 or f64 (default: f64 landscape, f32 quadratic and linear).")
    var dtype: DType?

    @Option(help: "auto, cpu or cuda.")
    var device: String = "auto"
}

/// The options that describe a lab to train: the selection, then its start
/// points, seed, domain, initial values, comparison and schedule.
struct LabOptions: ParsableArguments {
    @OptionGroup var selection: LabSelection

    @Option(parsing: .unconditional, help: "Landscape: number of start points, uniform in --domain.", transform: WholeNumber.int)
    var points: Int?

    @Option(parsing: .unconditional, help: "Seed for start points, default data and initial parameters (NumPy RandomState-compatible). (default: 0)", transform: WholeNumber.seed)
    var seed: UInt32 = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Landscape: x1min,x1max,x2min,x2max.", valueName: "a,b,c,d"))
    var domain: String?

    @Option(help: ArgumentHelp("Landscape: start points from a CSV with header x1,x2.", valueName: "file.csv"))
    var starts: String?

    @Option(parsing: .unconditional, help: "Landscape: how many points the run file records (default 1000).", transform: WholeNumber.int)
    var track: Int?

    @Option(name: .customLong("init"), help: ArgumentHelp("Initial parameters, e.g. a=0.5,b=0,c=1 or weight=0.1,bias=0.2.", valueName: "name=value,..."))
    var initial: String?

    @Option(help: ArgumentHelp("Landscape: run several optimizers from the same starts, e.g. sgd,momentum,adam:lr=0.05:amsgrad (grammar: docs/optimizers.md, \"Comparing optimizers\").", valueName: "list"))
    var compare: String?

    @Option(help: ArgumentHelp("Learning-rate schedule: none, step:N,GAMMA, exp:GAMMA or cosine:TMAX[,ETAMIN].", valueName: "spec"))
    var schedule: String?
}

extension LabKind: ExpressibleByArgument {}
extension DType: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}
