import Foundation
import Testing
import GradlabTestSupport

/// `gradlab bench --optimizers-only` (small sizes: this checks what it
/// reports, not how fast): a row for every optimizer the TUI's `o` key
/// cycles besides Newton, each a positive speed, and plain SGD's and
/// Adam's after a long run.
@Suite("Bench command")
struct BenchCommandTests {
    @Test func everyOptimizerHasARow() throws {
        let result = try Gradlab.run(["bench", "--optimizers-only", "--points", "3000", "--steps", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let json = try #require(object as? [String: Any])
        let landscape = try #require(json["landscape"] as? [String: Any])
        let speeds = try #require(landscape["pointStepsPerSecond"] as? [String: Double])
        let names = ["sgd", "sgd_momentum", "adam", "adamw", "rmsprop", "adagrad", "nadam", "radam", "adamax", "adadelta", "rprop"]
        for name in names {
            let speed = speeds["session_optimizer_\(name)_f32"]
            #expect(speed.map { $0 > 0 && $0.isFinite } == true, "\(name): \(String(describing: speed))")
        }
        for name in ["sgd", "adam"] {
            let speed = speeds["session_late_\(name)_f32"]
            #expect(speed.map { $0 > 0 && $0.isFinite } == true, "late \(name): \(String(describing: speed))")
        }
        #expect(speeds.count == names.count + 2, "\(speeds.keys.sorted())")
    }

    /// Counts the kernel benches cannot hold, or whose epochs overflow,
    /// are refused in words (they trapped on the overflow, exit 132).
    @Test(arguments: [
        (["--points", "9223372036854775807", "--kernels-only"], "--points 9223372036854775807: far too many points"),
        (["--points", "9000000000000000", "--memory", "kernel"], "--points 9000000000000000: "),
        (["--points", "10", "--steps", "9223372036854775807", "--functions-only"],
         "--steps must be from 1 to 1000000000, got 9223372036854775807"),
    ])
    func countsPastWhatFitsAreRefused(arguments: [String], message: String) throws {
        let result = try Gradlab.run(["bench"] + arguments)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("gradlab: error: \(message)") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
