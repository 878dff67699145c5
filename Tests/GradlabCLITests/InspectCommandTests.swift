import Foundation
import Testing
import GradlabTestSupport

/// `gradlab inspect` (issue 14): the curvature at a point, as text or JSON.
@Suite("gradlab inspect")
struct InspectCommandTests {
    @Test func jsonHasTheDocumentedKeys() throws {
        let result = try Gradlab.run(["inspect", "--f", "x1^2 + 10*x2^2", "--at", "0.3,2", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["value", "gradient", "hessian", "eigenvalues", "eigenvectors", "criticalLR", "conditionNumber",
                                     "conditionNumberIs"])
        #expect(object["conditionNumberIs"] as? String == "finite")
        #expect(object["hessian"] as? [[Double]] == [[2, 0], [0, 20]])
        #expect(object["eigenvalues"] as? [Double] == [2, 20])
        #expect(object["criticalLR"] as? Double == 0.1)
        #expect(object["gradient"] as? [Double] == [0.6, 40])
    }

    @Test func aPointThatIsNotLocallyConvexHasNoCriticalRate() throws {
        let json = try Gradlab.run(["inspect", "--f", "-(x1^2) - x2^2", "--at", "0,0", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["criticalLR"] is NSNull)
        let text = try Gradlab.run(["inspect", "--f", "-(x1^2) - x2^2", "--at", "0,0"])
        #expect(text.stdout.contains("none: λmax ≤ 0"))
    }

    /// A Hessian with NaN entries (ackley at its minimum, `(-2)^x1`): the
    /// text said the Hessian was 0 and that λmax ≤ 0, neither true.
    @Test(arguments: [("ackley", "0,0"), ("(-2)^x1+x2", "3,1")])
    func aHessianThatIsNotFiniteIsSaidToBe(function: String, at: String) throws {
        let text = try Gradlab.run(["inspect", "--f", function, "--at", at])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("condition number  undefined (the Hessian is not finite here)"), "\(text.stdout)")
        #expect(!text.stdout.contains("λmax ≤ 0") && !text.stdout.contains("is 0 here"), "\(text.stdout)")
        let json = try Gradlab.run(["inspect", "--f", function, "--at", at, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["conditionNumberIs"] as? String == "notFinite")
        let flat = try Gradlab.run(["inspect", "--f", "x1^2", "--at", "0,0", "--json"])
        let flatObject = try #require(try JSONSerialization.jsonObject(with: Data(flat.stdout.utf8)) as? [String: Any])
        #expect(flatObject["conditionNumberIs"] as? String == "infinite" && flatObject["conditionNumber"] is NSNull)
    }

    @Test func namedFunctionsAndDataLabs() throws {
        let rosenbrock = try Gradlab.run(["inspect", "--f", "rosenbrock", "--at", "1,1"])
        #expect(rosenbrock.stdout.contains("[802, -400]") && rosenbrock.stdout.contains("2/λmax = 0.0019968"), "\(rosenbrock.stdout)")
        let quadratic = try Gradlab.run(["inspect", "--lab", "quadratic", "--init", "a=0.5,b=0,c=1"])
        #expect(quadratic.status == 0, "\(quadratic.stderr)")
        #expect(quadratic.stdout.contains("a = 0.5, b = 0, c = 1") && quadratic.stdout.contains("critical lr"))
    }

    @Test(arguments: [
        (["inspect", "--f", "rosenbrock"], "--at x1,x2 is required"),
        (["inspect", "--f", "rosenbrock", "--at", "1"], "--at needs 2 comma-separated numbers"),
        (["inspect", "--f", "rosenbrock", "--at", "1,x"], "--at: 'x' is not a finite number"),
        (["inspect", "--lab", "quadratic", "--at", "1,1"], "--at applies to the landscape"),
        (["inspect", "--lab", "linear", "--init", "w=1"], "--init: unknown parameter 'w'"),
        (["inspect", "--f", "x1^", "--at", "1,1"], "--f:"),
        // f undefined there, its derivatives' formulas finite: no curvature to report.
        (["inspect", "--f", "log(x1) + x2^2", "--at", "-1,0"], "--at -1,0: f is NaN there"),
    ])
    func badInputIsOneClearLine(arguments: [String], message: String) throws {
        let result = try Gradlab.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count <= 3)
    }
}

/// `--optimizer newton` through the command line (issue 14).
@Suite("Newton through the CLI")
struct NewtonCLITests {
    @Test func aQuadraticInOneStepAndTheOptionsErrors() throws {
        let run = try Gradlab.run(["--headless", "--f", "x1^2 + 10*x2^2", "--optimizer", "newton", "--epochs", "2", "--points", "4", "--device", "cpu"])
        #expect(run.status == 0 && run.stdout.contains("Epoch 2, mean f: 0.00000000"), "\(run.stdout)")
        #expect(run.stdout.contains("newton lr=1"))
        let compare = try Gradlab.run(["--headless", "--f", "rosenbrock", "--compare", "sgd,newton:damping=0.5", "--lr", "0.001", "--epochs", "3", "--points", "4"])
        #expect(compare.status == 0 && compare.stdout.contains("newton lr=0.001 damping=0.5"), "\(compare.stdout)\(compare.stderr)")
        for (arguments, fragment) in [
            (["--optimizer", "newton", "--damping", "0"], "--damping must be a positive number, got 0"),
            (["--optimizer", "newton", "--momentum", "0.9"], "--optimizer newton takes no --momentum (its options: --lr, --damping)"),
            (["--lab", "linear", "--optimizer", "newton"], "the linear lab's L1 loss has no curvature"),
            (["--compare", "sgd,newton:damping=-1"], "--compare: invalid optimizer option: damping must be a positive number, got -1"),
        ] {
            let result = try Gradlab.run(["--headless", "--epochs", "1"] + arguments)
            #expect(result.status == 1 && result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
        }
    }
}
