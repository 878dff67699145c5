#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GradlabTestSupport
import GradlabCore
@testable import gradlab

/// Issue 13, defects 6 and 11 through the command line: one clear line,
/// naming the flag or file, and never Foundation's own words.
@Suite("Messages a user reads")
struct MessageTests {
    @Test func aFIFOAsDataSaysWhatItIsAndDoesNotHang() throws {
        let fifo = try Fixtures.temporaryDirectory().appendingPathComponent("pipe.csv").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--data", fifo])
        #expect(result.status == 1)
        #expect(result.stderr == "gradlab: error: --data \(fifo): is a FIFO (named pipe) or a pipe, not a regular file; give the path of a file\n")
    }

    /// A file a flag names that is not there: the message names the flag
    /// too (it named the file only).
    @Test func aMissingInputFileNamesItsFlag() throws {
        for (flags, flag) in [(["--lab", "linear", "--data"], "--data"), (["--starts"], "--starts"), (["--load"], "--load")] {
            let result = try Gradlab.run(["--headless", "--quiet"] + flags + ["nope.file"])
            #expect(result.status == 1 && result.stderr.hasPrefix("gradlab: error: \(flag) nope.file: "), "\(result.stderr)")
        }
        let eval = try Gradlab.run(["eval", "--load", "nope.file"])
        #expect(eval.status == 1 && eval.stderr.hasPrefix("gradlab: error: --load nope.file: "), "\(eval.stderr)")
    }

    @Test func standardInputAsARunFileSaysWhatItIs() throws {
        let result = try Gradlab.run(["export", "/dev/stdin"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/dev/stdin: is a character device"), "\(result.stderr)")
    }

    @Test func landscapeLoadWithOtherPointsNamesTheFile() throws {
        let path = try Fixtures.temporaryDirectory().appendingPathComponent("l.safetensors").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--points", "7", "--epochs", "1", "--save", path]).status == 0)
        let result = try Gradlab.run(["--headless", "--quiet", "--points", "9", "--load", path])
        #expect(result.status == 1)
        #expect(result.stderr == "gradlab: error: --load \(path): holds 7 points but this run has --points 9; run with --points 7 to resume it\n")
    }

    /// Said before anything is read or written, in the words every file
    /// gradlab writes uses (`no folder D`), never Foundation's.
    @Test func exportIntoAMissingFolderSaysWhich() throws {
        let directory = try Fixtures.temporaryDirectory()
        let run = directory.appendingPathComponent("r.json").path
        #expect(try Gradlab.run(["--headless", "--quiet", "--epochs", "2", "--record", run]).status == 0)
        let output = directory.appendingPathComponent("nope/out.csv").path
        let result = try Gradlab.run(["export", run, "-o", output])
        #expect(result.status == 1)
        #expect(result.stderr == "gradlab: error: --output \(output): cannot write (no folder \(directory.appendingPathComponent("nope").path))\n",
                "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func aHugeExpressionEchoesAWindow() throws {
        let huge = String(repeating: "x1+", count: 35_000) + "("
        let result = try Gradlab.run(["--headless", "--quiet", "--f", huge])
        #expect(result.status != 0)
        #expect(result.stderr.utf8.count < 400, "\(result.stderr.utf8.count) bytes")
        #expect(result.stderr.contains("--f: column"))
    }

    /// Defect 6: more points than memory holds were OOM-killed (1e9) or
    /// aborted in the allocator (4e9); larger counts overflowed.
    @Test(arguments: ["1000000000000", "9000000000000000000"])
    func tooManyPointsAreRefusedAtOnceNamingBothNumbers(points: String) throws {
        let started = ContinuousClock.now
        let result = try Gradlab.run(["--headless", "--quiet", "--points", points, "--epochs", "1"])
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(result.status == 1)
        let line = result.stderr
        #expect(line.hasPrefix("gradlab: error: --points \(points): ") && line.split(separator: "\n").count == 1, "\(line)")
        if points.count < 16 {
            #expect(line.contains("the points alone need 16.0 TB (f64)") && line.contains("available ("), "\(line)")
        } else {
            #expect(line.contains("far too many points"), "\(line)")
        }
    }
}

/// The tutorial's `%.4f` and `%.8f` columns for any size of number, as
/// Python prints them: every digit (a 64-byte buffer cut 6.39e69 to 62
/// digits, which read as 6.39e62).
@Suite("Fixed-point columns")
struct FixedColumnTests {
    @Test(arguments: [0.5180, -1.75e100, 6.3945142857142869e69, 1e62, -Double.greatestFiniteMagnitude, 1e-9])
    func everyDigitIsPrinted(value: Double) throws {
        let text = fixed(value, 4)
        let parsed = try #require(Double(text))
        // All the integer digits are there: the text reads back to the value, rounded to 4 places.
        #expect(abs(parsed - value) <= max(5e-5, value.magnitude.ulp), "\(text)")
    }

    @Test func aDivergingRunPrintsItsTrueLoss() throws {
        let result = try Gradlab.run(["--headless", "--lab", "linear", "--lr", "1e70", "--epochs", "2", "--dtype", "f64"])
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("Epoch: 2,") })
        let train = try #require(line.split(separator: " ").dropFirst(4).first.map { String($0.dropLast()) }.flatMap(Double.init))
        #expect(train > 1e69 || !train.isFinite, "\(line)")
    }
}
