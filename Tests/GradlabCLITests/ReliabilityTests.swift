import Foundation
import Testing
import GradlabTestSupport

/// Defects from the hostile-user review (issue 13), each kept fixed.
@Suite("Reliability")
struct ReliabilityTests {
    /// `export` onto a full device crashed on Foundation's `try!` write.
    @Test func exportToAFullDeviceIsAnErrorNotACrash() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = directory.appendingPathComponent("run.json").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "3", "--record", run]).status == 0)
        let result = try Subprocess.run(["/bin/sh", "-c", "'\(Gradlab.binary)' export '\(run)' > /dev/full"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write to standard output (No space left on device)"))
        #expect(!result.stderr.contains("Fatal error"))
    }
}
