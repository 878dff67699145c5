import Foundation
import Testing
import GradlabTestSupport
import GradlabCore

@Suite("Run files")
struct RecordingTests {
    @Test func completeFileIsOneJSONDocumentWithTheContract() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let result = try Gradlab.run(["--headless", "--quiet", "--lab", "linear", "--epochs", "3", "--record", path])
        #expect(result.status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["format"] as? String == "gradlab.run")
        #expect(document["version"] as? Int == 1)
        let config = try #require(document["config"] as? [String: Any])
        #expect(config["lab"] as? String == "linear")
        #expect(config["dtype"] as? String == "f32")
        let events = try #require(document["events"] as? [[String: Any]])
        let epochs = events.filter { $0["type"] as? String == "epoch" }
        #expect(epochs.map { $0["epoch"] as? Int } == [0, 1, 2, 3])
        let params = try #require(epochs[3]["params"] as? [String: [Double]])
        #expect(params["weight"]?.count == 1 && params["bias"]?.count == 1)
        #expect(epochs[3]["trainLoss"] is Double && epochs[3]["testLoss"] is Double)
        #expect(events.last?["type"] as? String == "end")
    }

    /// Starts a long recording, stops it with `signal`, and loads the file.
    private func interrupted(by signal: Int32) throws -> (RunFile, Int32) {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("run.json").path
        let child = try Subprocess.spawn([Gradlab.binary, "--headless", "--quiet", "--points", "2000", "--epochs", "100000000", "--record", path])
        // Wait until some epochs are on disk.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 200_000 { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        child.signal(signal)
        let result = child.wait()
        return (try RunFile.load(path: path), result.status)
    }

    @Test func killNineLeavesAFileThatLoadsUpToItsLastCompleteEvent() throws {
        let (run, _) = try interrupted(by: SIGKILL)
        #expect(run.status == nil)
        #expect(run.epochs.count > 1)
        let warning = try #require(run.warning)
        #expect(warning.contains("recovered \(run.epochs.count) epoch events"))
        #expect(run.epochs.enumerated().allSatisfy { $0.offset == $0.element.epoch })
    }

    @Test func ctrlCFinishesTheFileCleanly() throws {
        let (run, status) = try interrupted(by: SIGINT)
        #expect(status == 130)
        #expect(run.status == "interrupted")
        #expect(run.warning == nil)
    }

    @Test func garbageAndOtherFormatsAreOneLineErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        let cases: [(String, String)] = [
            ("hello", "not a gradlab run file (expected a JSON object)"),
            ("{\"format\":\"other\",\"version\":1}", "not a gradlab run file (format is 'other', expected 'gradlab.run')"),
            ("{\"format\":\"gradlab.run\",\"version\":99,\"config\":{},\"events\":[]}", "run file version 99 is newer than this gradlab reads (1)"),
            ("{\"format\":\"gradlab.run\",\"version\":1,\"config\":{\"lab\":\"linear\"},\"events\":[]}", "invalid \"config\""),
        ]
        for (index, (text, fragment)) in cases.enumerated() {
            let path = try Fixtures.write(text, named: "bad\(index).json", in: directory)
            #expect(throws: GradlabError.self) { try RunFile.load(path: path) }
            do {
                _ = try RunFile.load(path: path)
            } catch {
                #expect(error.message.contains(fragment), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }
}
