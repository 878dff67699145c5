import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

/// NAdam, RAdam, Adamax, Adadelta and Rprop through the command line: the
/// quadratic lab against torch.optim (the landscape's fixtures run in
/// `OptimizerZooConformanceTests`), their options' errors, and `--compare`.
@Suite("The newer torch.optim optimizers through the CLI")
struct TorchOptimizerCLITests {
    static let quadraticCases = ["nadam_decoupled_weight_decay", "radam", "adamax", "adadelta", "rprop", "rprop_etas_step_sizes"]

    /// torch's keyword arguments as flags: `momentum_decay` is
    /// `--momentum-decay`, a pair `--etas a,b`, true a bare flag.
    private func flags(_ options: [String: Any]) -> [String] {
        var flags: [String] = []
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            let flag = "--" + key.replacingOccurrences(of: "_", with: "-")
            switch value {
            case let on as Bool where on: flags.append(flag)
            case let pair as [Double]: flags += [flag, pair.map { "\($0)" }.joined(separator: ",")]
            case let number as NSNumber: flags += [flag, "\(number.doubleValue)"]
            default: break
            }
        }
        return flags
    }

    /// `gradlab --headless --lab quadratic --dtype f64 --optimizer ...` on the
    /// tutorial's data, against torch's float64 run: every epoch's loss and
    /// a, b, c to 1e-10.
    @Test(arguments: quadraticCases)
    func quadraticLabMatchesPyTorch(_ name: String) throws {
        let url = Fixtures.directory.appendingPathComponent("optimizers/quadratic/\(name).json")
        let fixture = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        // JSONDecoder reads the numbers exactly.
        struct Numbers: Decodable {
            let optimizer: String
            let data: [String: [Double]]
            let `init`: [String: Double]
            let loss: [Double]
            let params: [[Double]]
        }
        let numbers = try JSONDecoder().decode(Numbers.self, from: Data(contentsOf: url))
        let directory = try Fixtures.temporaryDirectory()
        let rows = zip(numbers.data["t"] ?? [], numbers.data["v"] ?? []).map { "\($0),\($1)" }.joined(separator: "\n")
        let csv = try Fixtures.write("t,v\n\(rows)\n", named: "data.csv", in: directory)
        let initial = ["a", "b", "c"].map { "\($0)=\(numbers.`init`[$0] ?? .nan)" }.joined(separator: ",")
        let path = directory.appendingPathComponent("run.json").path
        let epochs = numbers.params.count - 1
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "quadratic", "--data", csv, "--init", initial, "--dtype", "f64",
                                      "--epochs", "\(epochs)", "--record", path, "--optimizer", numbers.optimizer]
                                     + flags(fixture["options"] as? [String: Any] ?? [:]))
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunFile.load(path: path)
        #expect(run.epochs.count == epochs + 1)
        var worst = 0.0
        for (k, record) in run.epochs.enumerated().dropFirst() {
            worst = max(worst, relativeError(record.loss, numbers.loss[k - 1]))
            for (j, parameter) in ["a", "b", "c"].enumerated() {
                worst = max(worst, relativeError(record.param(parameter)?.first ?? .nan, numbers.params[k][j]))
            }
        }
        #expect(worst <= 1e-10, "\(name): worst relative error \(worst)")
    }

    @Test func badOptionValuesAreOneLineNamingTheFlag() throws {
        for (arguments, fragment) in [
            (["--optimizer", "adadelta", "--rho", "1.5"], "--rho must be in [0, 1], got 1.5"),
            (["--optimizer", "nadam", "--momentum-decay", "-0.5"], "--momentum-decay must be >= 0, got -0.5"),
            (["--optimizer", "rprop", "--etas", "0.5"], "--etas must be two numbers like 0.5,1.2, got '0.5'"),
            (["--optimizer", "rprop", "--etas", "1.5,2"], "--etas etaminus,etaplus must have 0 < etaminus < 1 < etaplus, got --etas 1.5,2"),
            (["--optimizer", "rprop", "--step-sizes", "x,1"], "--step-sizes must be two numbers like 1e-6,50, got 'x,1'"),
            (["--optimizer", "rprop", "--step-sizes", "1,0.5"], "--step-sizes min,max must have 0 <= min <= max, got --step-sizes 1,0.5"),
            (["--optimizer", "radam", "--betas", "0.9,1"], "--betas must each be in [0, 1)"),
            (["--compare", "rprop:etas=0.5"], "--compare: etas must be two numbers like etas=0.5/1.2, got 'etas=0.5' in 'rprop:etas=0.5'"),
            (["--compare", "rprop:step_sizes=1/x"], "--compare: step_sizes must be two numbers like step_sizes=1e-6/50, got 'step_sizes=1/x' in 'rprop:step_sizes=1/x'"),
            (["--compare", "nadam:momentum_decay=x"], "--compare: 'momentum_decay=x' in 'nadam:momentum_decay=x' needs a number"),
            (["--compare", "adadelta:rho=2"], "--compare: invalid optimizer option: rho must be in [0, 1], got 2"),
            (["--compare", "adam:amsgrad=maybe"], "--compare: 'amsgrad=maybe' in 'adam:amsgrad=maybe': amsgrad is a flag: write amsgrad alone, or amsgrad=true or amsgrad=false"),
            (["--optimizer", "adam", "--momentum", "0.9"],
             "--optimizer adam takes no --momentum (its options: --lr, --betas, --eps, --weight-decay, --amsgrad, --maximize)"),
            (["--optimizer", "rprop", "--weight-decay", "0.1"], "--optimizer rprop takes no --weight-decay"),
            (["--optimizer", "newton", "--maximize"], "--optimizer newton takes no --maximize (its options: --lr, --damping)"),
            (["--compare", "adam:momentum=0.9"], "--compare: adam takes no momentum (its options: lr, betas, eps, weight_decay, amsgrad, maximize)"),
            (["--lab", "linear", "--points", "5"], "--points applies to the landscape lab only (the linear lab fits its data)"),
            (["--lab", "quadratic", "--domain", "0,1,0,1"], "--domain applies to the landscape lab only"),
            (["--compare", "sgd,adam", "--betas", "0.8,0.9"], "--betas applies to --optimizer, not to --compare's items"),
            (["--compare", "sgd:nesterov"], "--compare: invalid optimizer option: nesterov needs momentum > 0 and dampening 0"),
            (["--compare", "adam,lion"], "(known: momentum, nesterov, sgd, adam, adamw, rmsprop, adagrad, nadam, radam, adamax, adadelta, rprop, newton;"),
        ] {
            let result = try Gradlab.run(["--headless", "--epochs", "1"] + arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    /// Each `--compare` group runs its optimizer with its options, from the
    /// same points: its trajectory is the one a run with that optimizer
    /// alone takes.
    @Test func compareRunsEachWithItsOptions() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("compare.json").path
        let list = "nadam:lr=0.01:momentum_decay=0.01,radam:decoupled_weight_decay:weight_decay=0.1,adamax:betas=0.8/0.99,"
            + "adadelta:rho=0.5:lr=0.5,rprop:etas=0.4/1.3:step_sizes=1e-4/1"
        let common = ["--headless", "--quiet", "--f", "himmelblau", "--points", "10", "--epochs", "30", "--lr", "0.02"]
        let result = try Gradlab.run(common + ["--compare", list, "--record", path])
        #expect(result.status == 0, "\(result.stderr)")
        let run = try RunFile.load(path: path)
        let groups = try #require(run.config.compare)
        #expect(groups.map(\.kind) == [.nadam, .radam, .adamax, .adadelta, .rprop])
        #expect(groups[0].lr == 0.01 && groups[0].momentumDecay == 0.01)
        #expect(groups[1].lr == 0.02 && groups[1].decoupledWeightDecay && groups[1].weightDecay == 0.1)
        #expect(groups[2].beta1 == 0.8 && groups[2].beta2 == 0.99)
        #expect(groups[3].rho == 0.5 && groups[3].lr == 0.5)
        #expect(groups[4].etaMinus == 0.4 && groups[4].etaPlus == 1.3 && groups[4].stepSizeMin == 1e-4 && groups[4].stepSizeMax == 1)
        #expect(result.stdout.contains("rprop lr=0.02 etas=0.4,1.3 step_sizes=0.0001,1: mean f"), "\(result.stdout)")

        let alone: [[String]] = [
            ["--optimizer", "nadam", "--lr", "0.01", "--momentum-decay", "0.01"],
            ["--optimizer", "radam", "--decoupled-weight-decay", "--weight-decay", "0.1"],
            ["--optimizer", "adamax", "--betas", "0.8,0.99"],
            ["--optimizer", "adadelta", "--rho", "0.5", "--lr", "0.5"],
            ["--optimizer", "rprop", "--etas", "0.4,1.3", "--step-sizes", "1e-4,1"],
        ]
        for (group, flags) in alone.enumerated() {
            let single = directory.appendingPathComponent("alone\(group).json").path
            let done = try Gradlab.run(common + flags + ["--record", single])
            #expect(done.status == 0, "\(done.stderr)")
            let own = try RunFile.load(path: single)
            for (together, apart) in zip(run.epochs, own.epochs) {
                let points = Array((together.points ?? [])[(10 * group)..<(10 * group + 10)])
                #expect(points == apart.points ?? [], "group \(group) (\(flags[1])), epoch \(together.epoch)")
            }
            #expect(own.epochs.last?.points != own.epochs.first?.points, "\(flags[1]) did not move")
        }
    }

    /// Saving after 10 epochs and resuming gives the 20-epoch run's bits:
    /// the state buffers carry torch's names, and NAdam's mu_product and
    /// RAdam's branch follow from the step count.
    @Test(arguments: [["--optimizer", "nadam", "--lr", "0.01"], ["--optimizer", "radam", "--lr", "0.01"],
                      ["--optimizer", "rprop", "--etas", "0.4,1.3"], ["--optimizer", "adadelta"], ["--optimizer", "adamax"]])
    func saveThenLoadResumesExactly(_ optimizer: [String]) throws {
        let directory = try Fixtures.temporaryDirectory()
        let straight = directory.appendingPathComponent("straight.safetensors").path
        let half = directory.appendingPathComponent("half.safetensors").path
        let resumed = directory.appendingPathComponent("resumed.safetensors").path
        let common = ["--headless", "--quiet", "--lab", "quadratic", "--dtype", "f64"] + optimizer
        #expect(try Gradlab.run(common + ["--epochs", "20", "--save", straight]).status == 0)
        #expect(try Gradlab.run(common + ["--epochs", "4", "--save", half]).status == 0)
        let result = try Gradlab.run(common + ["--epochs", "16", "--load", half, "--save", resumed])
        #expect(result.status == 0, "\(result.stderr)")
        let a = try Checkpoint.load(path: straight), b = try Checkpoint.load(path: resumed)
        #expect(a.params == b.params, "\(optimizer)")
        #expect(a.optimizer?.stepCount == 20 && b.optimizer?.stepCount == 20)
        #expect(a.optimizer?.buffers == b.optimizer?.buffers)
        let kind = try #require(OptimizerKind(rawValue: optimizer[1]))
        let saved = try #require(b.optimizer).buffers.map { buffer -> String in
            String(buffer.name.split(separator: ".").last ?? "")
        }
        #expect(Set(saved).isSubset(of: Set(kind.rule.stateNames)) && !saved.isEmpty, "\(saved)")
    }

    @Test func helpListsTheOptions() throws {
        let result = try Gradlab.run(["help", "run"])
        for option in ["--momentum-decay", "--decoupled-weight-decay", "--rho", "--etas", "--step-sizes"] {
            #expect(result.stdout.contains(option), "\(option) missing from help run")
        }
        let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("nadam, radam, adamax, adadelta, rprop or newton"))
    }
}
