import Foundation
import GradlabCore

/// Refuses an output path that is an input or another output (issue 13):
/// `export X -o X` replaced the recording by its CSV, `--record X --save X`
/// the recording by the checkpoint, `--record d.csv --data d.csv` the data.
/// Paths are compared after resolving `.`, `..` and symbolic links, so
/// `./run.json` and `run.json` are one file. A path given empty
/// (`--record ""`) is refused first, naming its flag: the system's error
/// for it named no file (`: cannot read file (no such file)`).
enum DistinctPaths {
    /// Refuses a path flag given as an empty string.
    /// - Parameter flags: (flag, path); a label that is not a flag (`run file`) is named as one.
    static func checkGiven(_ flags: [(String, String?)]) throws(GradlabError) {
        for case let (flag, path?) in flags where path.isEmpty {
            throw GradlabError(flag.hasPrefix("-") ? "\(flag) needs a file path, not an empty string" : "the \(flag)'s path is empty")
        }
    }

    /// - Parameters:
    ///   - outputs: (flag, path) of what the command writes; a checkpoint's
    ///     optimizer file beside it counts too.
    ///   - inputs: (flag, path) of what it reads.
    static func check(outputs: [(String, String?)], inputs: [(String, String?)]) throws(GradlabError) {
        try checkGiven(outputs + inputs)
        func key(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        }
        var written: [(flag: String, path: String, key: String)] = []
        for (flag, path) in outputs {
            guard let path else { continue }
            var paths = [path]
            if flag == "--save" { paths.append(Checkpoint.optimizerPath(for: path)) }
            for each in paths {
                let k = key(each)
                if let other = written.first(where: { $0.key == k }) {
                    throw GradlabError("\(flag) \(each): the same file as \(other.flag) \(other.path); give each output its own path")
                }
                written.append((flag, each, k))
            }
        }
        for (flag, path) in inputs {
            guard let path else { continue }
            let k = key(path)
            if let output = written.first(where: { $0.key == k }) {
                throw GradlabError("\(output.flag) \(output.path): that is the \(flag) input; writing it would destroy it")
            }
        }
    }
}
