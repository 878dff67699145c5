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
}
