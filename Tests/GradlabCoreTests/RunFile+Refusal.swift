import Foundation
@testable import GradlabCore

extension RunFile {
    /// Why the reader refuses `data` as `run.json`, or "accepted".
    static func refusal(of data: Data) -> String {
        do {
            _ = try RunFile.parse(data, path: "run.json")
            return "accepted"
        } catch {
            return error.message
        }
    }
}
