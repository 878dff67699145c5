#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import GradlabTestSupport
@testable import GradlabCore

/// Issue 13: the checkpoint pair as one unit (defect 7), and inputs that were
/// read leniently or explained badly (defects 11 and 12).
@Suite("Checkpoint pair and stale temporaries")
struct CheckpointPairTests {
    static let params = [NamedValues("weight", [1]), NamedValues("bias", [2])]
    static func state(_ step: Int) -> OptimizerCheckpoint {
        var config = OptimizerConfig(kind: .sgd)
        config.momentum = 0.9
        return OptimizerCheckpoint(config: config, stepCount: step,
                            buffers: [NamedValues("momentum_buffer", [Double(step), -Double(step)])])
    }

    static func temporaries(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }
    }

    /// A save killed between its two renames: the new checkpoint is in
    /// place, its optimizer file still the old one, the new one in a
    /// temporary. Load finishes the save (it refused the pair as stale).
    @Test func aSaveStoppedBetweenItsRenamesIsFinishedByLoad() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.safetensors").path
        let companion = Checkpoint.optimizerPath(for: path)
        try Checkpoint.save(params: Self.params, dtype: .f64, lab: .linear, epoch: 1, optimizer: Self.state(1), path: path)
        let oldCompanion = try FileBytes.read(companion)
        try Checkpoint.save(params: Self.params, dtype: .f64, lab: .linear, epoch: 2, optimizer: Self.state(2), path: path)
        // Put the crash state back together: the new optimizer file as a
        // temporary of a dead process, the old one in place.
        let temporary = directory.appendingPathComponent(".m.optim.safetensors.tmp-999999-7").path
        #expect(rename(companion, temporary) == 0)
        try FileBytes.writeAtomically(oldCompanion, to: companion)
        let loaded = try Checkpoint.load(path: path)
        #expect(loaded.epoch == 2 && loaded.optimizer?.stepCount == 2)
        #expect(try Self.temporaries(directory).isEmpty)
        #expect(try Checkpoint.load(path: path).optimizer?.stepCount == 2)
    }

    /// Killed before the checkpoint's rename: the old pair loads as it was.
    @Test func aSaveStoppedBeforeItsCommitLeavesTheOldPair() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.safetensors").path
        try Checkpoint.save(params: Self.params, dtype: .f64, lab: .linear, epoch: 1, optimizer: Self.state(1), path: path)
        // What such a save leaves: both temporaries, synced, of a dead process.
        let bytes = try FileBytes.read(path)
        try FileBytes.writeAtomically(bytes, to: directory.appendingPathComponent(".m.safetensors.tmp-999998-1").path)
        try FileBytes.writeAtomically(bytes, to: directory.appendingPathComponent(".m.optim.safetensors.tmp-999998-2").path)
        #expect(try Checkpoint.load(path: path).optimizer?.stepCount == 1)
        #expect(try Self.temporaries(directory).isEmpty)
    }

    /// The optimizer file of another save (same epoch) is refused, not
    /// silently resumed.
    @Test func anOptimizerFileOfAnotherSaveIsRefused() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.safetensors").path
        let companion = Checkpoint.optimizerPath(for: path)
        try Checkpoint.save(params: Self.params, dtype: .f64, lab: .linear, epoch: 3, optimizer: Self.state(1), path: path)
        let first = try FileBytes.read(companion)
        try Checkpoint.save(params: Self.params, dtype: .f64, lab: .linear, epoch: 3, optimizer: Self.state(2), path: path)
        try FileBytes.writeAtomically(first, to: companion)
        #expect { try Checkpoint.load(path: path) } throws: { error in
            (error as? GradlabError)?.message.contains("from another save than its checkpoint") == true
        }
    }

    /// Temporaries of live processes are someone's save in progress: kept.
    @Test func onlyTheTemporariesOfDeadProcessesAreRemoved() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("m.safetensors").path
        let live = directory.appendingPathComponent(".m.safetensors.tmp-1-5").path  // pid 1 is always alive
        let dead = directory.appendingPathComponent(".m.safetensors.tmp-999997-5").path
        let unrelated = directory.appendingPathComponent(".m.safetensors.tmp-notapid").path
        for file in [live, dead, unrelated] { #expect(FileManager.default.createFile(atPath: file, contents: Data([1]))) }
        try Checkpoint.save(params: Self.params, dtype: .f64, lab: .linear, epoch: 1, path: path)
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(FileManager.default.fileExists(atPath: unrelated))
    }
}

@Suite("Inputs read strictly and explained plainly")
struct StrictInputTests {
    @Test(arguments: [
        ("x1,x2\n1,0x10\n", "e.csv:2:3: '0x10' is hexadecimal; write numbers in decimal (column x2)"),
        ("x1,x2\n-0X1p3,2\n", "e.csv:2:1: '-0X1p3' is hexadecimal; write numbers in decimal (column x1)"),
        ("x1,x2\n1,2\u{0}\n", "e.csv:2:4: NUL byte in the text (a binary file, or UTF-16?); a CSV file is UTF-8 text"),
        ("x1,x2,X1\n1,2,3\n", "e.csv:1:7: duplicate column 'x1' (also column 1 of the header); which one is meant?"),
        ("x1,x2\n1,2e\n", "e.csv:2:3: '2e' is not a number (column x2)"),
    ])
    func csvCellsAndHeadersThatWereAccepted(text: String, message: String) {
        #expect(throws: GradlabError(message)) { try CSVTable.parse(text, path: "e.csv", required: ["x1", "x2"]) }
    }

    @Test func plainDecimalsStillRead() throws {
        let table = try CSVTable.parse("x1,x2\n.5,-2\n1e3,+4.25E-1\n", path: "e.csv", required: ["x1", "x2"])
        #expect(table.columns["x1"] == [0.5, 1000] && table.columns["x2"] == [-2, 0.425])
    }

    /// A Double field past a Double's range; an integer field's is said by its name (RunFileIntegerRangeTests).
    @Test func aDoubleTooLargeNamesTheNumberNotFoundationsEnum() throws {
        let config = String(decoding: try JSONEncoder().encode(LabConfig(lab: .linear)), as: UTF8.self)
            .replacingOccurrences(of: "\"testSize\":0.3", with: "\"testSize\":1e999")
        let text = #"{"format":"gradlab.run","version":1,"config":"# + config + #","events":[]}"#
        #expect { try RunFile.parse(Data(text.utf8), path: "r.json") } throws: { error in
            let message = (error as? GradlabError)?.message ?? ""
            return message.contains("number 1e999 is out of range") && !message.contains("numberIsNotRepresentable")
        }
    }

    @Test func anEmptyRunFileSaysSo() throws {
        let path = try Fixtures.write("", named: "empty.json", in: try Fixtures.temporaryDirectory())
        #expect(throws: GradlabError("\(path): empty file (0 bytes), not a gradlab run file")) { try RunFile.load(path: path) }
    }

    @Test func aNumberTooLargeNamesTheNumberNotFoundationsEnum() throws {
        let config = String(decoding: try JSONEncoder().encode(LabConfig(lab: .linear)), as: UTF8.self)
            .replacingOccurrences(of: "\"seed\":0", with: "\"seed\":1e999")
        let text = #"{"format":"gradlab.run","version":1,"config":"# + config + #","events":[]}"#
        #expect { try RunFile.parse(Data(text.utf8), path: "r.json") } throws: { error in
            let message = (error as? GradlabError)?.message ?? ""
            return message.hasSuffix("\"seed\" must be an integer from 0 to 4294967295, got 1e999")
                && !message.contains("numberIsNotRepresentable")
        }
    }

    @Test(arguments: ["fifo", "device", "directory"])
    func pathsThatAreNotFilesSayWhatTheyAre(kind: String) throws {
        let directory = try Fixtures.temporaryDirectory()
        let path: String
        let expected: String
        switch kind {
        case "fifo":
            path = directory.appendingPathComponent("pipe").path
            #expect(mkfifo(path, 0o600) == 0)
            expected = "is a FIFO (named pipe) or a pipe"
        case "device":
            path = "/dev/null"
            expected = "is a character device"
        default:
            path = directory.path
            expected = "is a directory"
        }
        for load in [{ () throws -> Void in _ = try RunFile.load(path: path) },
                     { _ = try CSVTable.load(path: path, required: ["x"]) },
                     { _ = try SafeTensorsFile.read(path: path) }] {
            #expect { try load() } throws: { error in
                let message = (error as? GradlabError)?.message ?? ""
                return message.hasPrefix(path) && message.contains(expected) && !message.contains("permission denied or a directory")
            }
        }
    }
}
