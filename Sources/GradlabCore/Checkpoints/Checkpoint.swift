#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GradlabMath

/// An optimizer's resumable state: its hyperparameters, steps taken, and
/// per-parameter buffers (`momentum_buffer`, `exp_avg`, ...).
public struct OptimizerCheckpoint: Sendable, Equatable {
    public var config: OptimizerConfig
    public var stepCount: Int
    /// Each buffer over all parameters, laid out like the lab's flat
    /// parameter buffer: the checkpoint's params concatenated in order.
    public var buffers: [NamedValues]
    /// The learning-rate schedule in progress, if any.
    public var scheduler: LearningRateScheduler?

    public init(config: OptimizerConfig, stepCount: Int, buffers: [NamedValues], scheduler: LearningRateScheduler? = nil) {
        self.config = config
        self.stepCount = stepCount
        self.buffers = buffers
        self.scheduler = scheduler
    }

    /// The state of an optimizer over host arrays.
    public init<Scalar: ProgramScalar>(_ optimizer: HostOptimizer<Scalar>, scheduler: LearningRateScheduler? = nil) {
        self.init(config: optimizer.config, stepCount: optimizer.stepCount,
                  buffers: optimizer.stateBuffers.map { NamedValues($0.name, $0.values.map { Double($0) }) },
                  scheduler: scheduler)
    }
}

/// A landscape's f as a checkpoint records it: the expression and, for a
/// named function, its name (which also gives its domain).
public struct LandscapeFunction: Sendable, Equatable {
    public var expression: String
    public var name: String?

    public init(expression: String, name: String?) {
        self.expression = expression
        self.name = name
    }

    /// A config's f (nil for a data lab).
    public init?(_ config: LabConfig) {
        guard config.lab == .landscape else { return nil }
        self.init(expression: config.function, name: config.functionName)
    }
}

/// What ``Checkpoint/load(path:)`` found.
public struct LoadedCheckpoint: Sendable, Equatable {
    public var lab: LabKind
    /// Epochs trained when saved (0 when the file does not say).
    public var epoch: Int
    public var dtype: DType
    /// In the lab's order (`weight`, `bias`; `a`, `b`, `c`; `x1`, `x2`).
    public var params: [NamedValues]
    /// The file's `__metadata__` as written.
    public var metadata: [String: String]
    /// The companion optimizer file's state, when the checkpoint has one.
    public var optimizer: OptimizerCheckpoint?
    /// The landscape's f it was trained on (nil: the file does not say,
    /// as one saved before 2026-12-07 or by PyTorch).
    public var function: LandscapeFunction? {
        metadata["function"].map { LandscapeFunction(expression: $0, name: metadata["function_name"]) }
    }
    /// The file it was loaded from (named in errors when it does not fit the run).
    public var path: String? = nil
}

/// Model checkpoints as safetensors files that PyTorch loads directly.
///
/// `run.safetensors` holds the lab's parameters under their PyTorch names,
/// one F32 or F64 tensor each: `weight` and `bias` of shape [1] for the linear
/// lab (the tutorial's `Linear` loads them with `load_state_dict` strictly),
/// `a`, `b`, `c` for the quadratic, `x1` and `x2` of shape [N] for the
/// landscape's points. Metadata: `format` (`pt`), `gradlab` (version), `lab`,
/// `epoch`, `dtype`, and `optimizer_state` when the optimizer was saved
/// beside it in `run.optim.safetensors`: one tensor per parameter and buffer
/// (`weight.exp_avg`), with `optimizer` (the config as JSON), `step`,
/// `epoch` and, if any, `scheduler` (JSON) in its metadata.
/// See `docs/checkpoints.md`.
public enum Checkpoint {
    /// Written into every checkpoint's metadata.
    public static let gradlabVersion = GradlabVersion.current

    /// Where the optimizer state of the checkpoint at `path` goes:
    /// `model.safetensors` -> `model.optim.safetensors`.
    public static func optimizerPath(for path: String) -> String {
        let suffix = ".safetensors"
        let stem = path.hasSuffix(suffix) ? String(path.dropLast(suffix.count)) : path
        return stem + ".optim" + suffix
    }

    /// Saves parameters (and optionally optimizer state) atomically.
    ///
    /// - Parameters:
    ///   - params: the lab's parameters in its buffer order.
    ///   - dtype: the lab's dtype; tensors are F32 or F64 to match.
    ///   - optimizer: written to ``optimizerPath(for:)``, its buffers split
    ///     per parameter as `<param>.<buffer>`; the two files are one unit
    ///     (a `pair` id in both, renamed in a recoverable order: see the body).
    /// Whether a checkpoint (and its optimizer file) can be written at
    /// `path`: its folder exists and is writable, and neither file's name
    /// is a folder (`--save /tmp`, `--save out/`: that was found only at
    /// the rename, after the run). Said before a run that would save at
    /// its end, and by ``save(params:dtype:lab:epoch:optimizer:function:path:)``
    /// naming the file asked for (not the optimizer file written first).
    public static func checkWritable(path: String) throws(GradlabError) {
        guard !path.isEmpty else { throw GradlabError("a checkpoint needs a file path, not an empty string") }
        for file in [path, optimizerPath(for: path)] {
            var info = stat()
            if file.hasSuffix("/") || (stat(file, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR) {
                throw GradlabError(file == path ? "\(path): is a directory, not a file"
                                   : "\(path): its optimizer file \(file) is a directory, not a file")
            }
        }
        if let problem = FileBytes.folderProblem(for: path) { throw GradlabError("\(path): cannot write (\(problem))") }
    }

    public static func save(params: [NamedValues], dtype: DType, lab: LabKind, epoch: Int,
                            optimizer: OptimizerCheckpoint? = nil, function: LandscapeFunction? = nil,
                            path: String) throws(GradlabError) {
        try checkWritable(path: path)
        let tensorType = TensorDType(dtype)
        let names = LabConfig(lab: lab).parameterNames
        guard params.map(\.name) == names else {
            throw GradlabError("\(path): a \(lab.rawValue) checkpoint saves \(names.joined(separator: ", ")) in that order, got \(params.map(\.name).joined(separator: ", "))")
        }
        var tensors: [String: Tensor] = [:]
        for param in params {
            tensors[param.name] = Tensor(param.values, dtype: tensorType)
        }
        var metadata = [
            "format": "pt", "gradlab": gradlabVersion, "lab": lab.rawValue,
            "epoch": String(epoch), "dtype": dtype.rawValue,
        ]
        if let function {
            metadata["function"] = function.expression
            if let name = function.name { metadata["function_name"] = name }
        }
        let companion = optimizerPath(for: path)
        FileBytes.removeStaleTemporaries(beside: path)
        FileBytes.removeStaleTemporaries(beside: companion)
        guard let optimizer else {
            return try SafeTensorsFile(tensors: tensors, metadata: metadata).write(path: path)
        }
        // The pair is one unit: both files are written as temporaries and
        // synced, then the checkpoint is renamed into place (the commit),
        // then its optimizer file. A crash before the commit leaves the old
        // pair; after it, the new checkpoint names its pair id and the
        // optimizer temporary holding that id, which load() renames into place.
        let pair = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        metadata["optimizer_state"] = String(companion.split(separator: "/").last ?? Substring(companion))
        metadata["pair"] = pair
        let optimizerBytes = try optimizerFile(optimizer, params: params, dtype: tensorType, lab: lab, epoch: epoch,
                                               pair: pair, path: companion).encoded(path: companion)
        let optimizerTemporary: String
        do {
            optimizerTemporary = try FileBytes.writeTemporary(optimizerBytes, beside: companion)
        } catch {
            // Written first, but the file asked for is the checkpoint: name it.
            throw error.message.hasPrefix(companion + ": ") ? GradlabError(path + error.message.dropFirst(companion.count)) : error
        }
        let checkpointTemporary: String
        do {
            checkpointTemporary = try FileBytes.writeTemporary(SafeTensorsFile(tensors: tensors, metadata: metadata).encoded(path: path),
                                                               beside: path)
        } catch {
            unlink(optimizerTemporary)
            throw error
        }
        do {
            try FileBytes.commit(checkpointTemporary, to: path)
        } catch {
            unlink(optimizerTemporary)
            throw error
        }
        try FileBytes.commit(optimizerTemporary, to: companion)
    }

    /// After a save that stopped between its two renames: the optimizer
    /// temporary that belongs to the checkpoint's `pair` is put in place.
    private static func finishInterruptedSave(companion: String, pair: String) {
        if let current = try? SafeTensorsFile.read(path: companion), current.metadata["pair"] == pair { return }
        for (temporary, _) in FileBytes.temporaries(beside: companion) {
            guard let file = try? SafeTensorsFile.read(path: temporary), file.metadata["pair"] == pair else { continue }
            if (try? FileBytes.commit(temporary, to: companion)) != nil { return }
        }
    }

    private static func optimizerFile(_ optimizer: OptimizerCheckpoint, params: [NamedValues], dtype: TensorDType,
                                      lab: LabKind, epoch: Int, pair: String, path: String) throws(GradlabError) -> SafeTensorsFile {
        let total = params.reduce(0) { $0 + $1.values.count }
        var tensors: [String: Tensor] = [:]
        for buffer in optimizer.buffers {
            guard buffer.values.count == total else {
                throw GradlabError("\(path): optimizer buffer '\(buffer.name)' has \(buffer.values.count) values for \(total) parameters")
            }
            var start = 0
            for param in params {
                let slice = Array(buffer.values[start..<start + param.values.count])
                tensors["\(param.name).\(buffer.name)"] = Tensor(slice, dtype: dtype)
                start += param.values.count
            }
        }
        var metadata = [
            "format": "pt", "gradlab": gradlabVersion, "lab": lab.rawValue, "epoch": String(epoch),
            "step": String(optimizer.stepCount), "optimizer": try json(optimizer.config, path: path),
        ]
        if let scheduler = optimizer.scheduler { metadata["scheduler"] = try json(scheduler, path: path) }
        metadata["pair"] = pair
        return SafeTensorsFile(tensors: tensors, metadata: metadata)
    }

    /// Loads a checkpoint written by ``save(params:dtype:lab:epoch:optimizer:path:)``,
    /// or any safetensors file holding one lab's parameters (for example one
    /// saved from PyTorch with `safetensors.torch.save_file(model.state_dict(), path)`):
    /// without a `lab` in its metadata, the lab is told from the tensor names.
    public static func load(path: String) throws(GradlabError) -> LoadedCheckpoint {
        let file = try SafeTensorsFile.read(path: path)
        func fail(_ message: String) -> GradlabError { GradlabError("\(path): \(message)") }

        let lab = try labOf(file, fail: fail)
        let names = LabConfig(lab: lab).parameterNames
        let found = file.tensors.keys.sorted()
        guard found == names.sorted() else {
            throw fail("a \(lab.rawValue) checkpoint holds tensors \(names.joined(separator: ", ")); this file has \(found.isEmpty ? "none" : found.joined(separator: ", "))")
        }
        let dtypes = Set(file.tensors.values.map(\.dtype))
        guard dtypes.count == 1, let tensorType = dtypes.first else {
            throw fail("tensors mix F32 and F64; a checkpoint has one dtype")
        }
        let params = names.map { NamedValues($0, file.tensors[$0]?.values ?? []) }
        if lab == .landscape {
            guard params[0].values.count == params[1].values.count, !params[0].values.isEmpty else {
                throw fail("x1 and x2 must hold the same number of points (at least 1), got \(params[0].values.count) and \(params[1].values.count)")
            }
        } else if let wrong = params.first(where: { $0.values.count != 1 }) {
            throw fail("tensor '\(wrong.name)' must hold one number, got \(wrong.values.count)")
        }
        let epoch = try integer(file.metadata["epoch"], "epoch", fail: fail) ?? 0
        var result = LoadedCheckpoint(lab: lab, epoch: epoch, dtype: tensorType == .f32 ? .f32 : .f64,
                                      params: params, metadata: file.metadata, optimizer: nil, path: path)
        if let companion = file.metadata["optimizer_state"] {
            // The companion is named relative to the checkpoint's directory.
            let companionPath = path.lastIndex(of: "/").map { String(path[...$0]) + companion } ?? companion
            if let pair = file.metadata["pair"] { finishInterruptedSave(companion: companionPath, pair: pair) }
            FileBytes.removeStaleTemporaries(beside: companionPath)
            result.optimizer = try loadOptimizer(path: companionPath, params: params, epoch: epoch, pair: file.metadata["pair"])
        }
        FileBytes.removeStaleTemporaries(beside: path)
        return result
    }

    private static func loadOptimizer(path: String, params: [NamedValues], epoch: Int, pair: String?) throws(GradlabError) -> OptimizerCheckpoint {
        let file = try SafeTensorsFile.read(path: path)
        func fail(_ message: String) -> GradlabError { GradlabError("\(path): \(message)") }
        guard let configText = file.metadata["optimizer"],
              let config = try? JSONDecoder().decode(OptimizerConfig.self, from: Data(configText.utf8)) else {
            throw fail("metadata has no valid \"optimizer\" config")
        }
        let saved = try integer(file.metadata["epoch"], "epoch", fail: fail)
        guard saved == epoch else {
            throw fail("optimizer state is from epoch \(saved.map(String.init) ?? "?") but the checkpoint is from epoch \(epoch); it is stale")
        }
        if let pair, file.metadata["pair"] != pair {
            throw fail("optimizer state is from another save than its checkpoint (pair \(file.metadata["pair"] ?? "none"), the checkpoint names \(pair)); it is stale")
        }
        let stepCount = try integer(file.metadata["step"], "step", fail: fail) ?? 0
        var scheduler: LearningRateScheduler?
        if let text = file.metadata["scheduler"] {
            guard let decoded = try? JSONDecoder().decode(LearningRateScheduler.self, from: Data(text.utf8)) else {
                throw fail("metadata \"scheduler\" is not a valid schedule")
            }
            scheduler = decoded
        }
        // Buffer names in first-seen order of the sorted tensor names.
        var bufferNames: [String] = []
        for key in file.tensors.keys.sorted() {
            guard let param = params.first(where: { key.hasPrefix($0.name + ".") }) else {
                throw fail("tensor '\(key)' names no parameter (expected <param>.<buffer>, params \(params.map(\.name).joined(separator: ", ")))")
            }
            let buffer = String(key.dropFirst(param.name.count + 1))
            if !bufferNames.contains(buffer) { bufferNames.append(buffer) }
        }
        var buffers: [NamedValues] = []
        for buffer in bufferNames {
            var values: [Double] = []
            for param in params {
                guard let tensor = file.tensors["\(param.name).\(buffer)"], tensor.values.count == param.values.count else {
                    throw fail("buffer '\(buffer)' needs a tensor '\(param.name).\(buffer)' of \(param.values.count) values")
                }
                values += tensor.values
            }
            buffers.append(NamedValues(buffer, values))
        }
        // The optimizer itself knows which buffers it has.
        do {
            try makeOptimizer(config, scalar: Double.self)
                .restore(stepCount: stepCount, buffers: Dictionary(uniqueKeysWithValues: buffers.map { ($0.name, $0.values) }))
        } catch {
            throw fail(error.message)
        }
        return OptimizerCheckpoint(config: config, stepCount: stepCount, buffers: buffers, scheduler: scheduler)
    }

    /// The lab named in the metadata, or the one whose parameter names the
    /// tensors are.
    private static func labOf(_ file: SafeTensorsFile, fail: (String) -> GradlabError) throws(GradlabError) -> LabKind {
        if let name = file.metadata["lab"] {
            guard let lab = LabKind(rawValue: name) else {
                throw fail("metadata lab '\(name)' is not one of \(LabKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return lab
        }
        let names = Set(file.tensors.keys)
        if let lab = LabKind.allCases.first(where: { Set(LabConfig(lab: $0).parameterNames) == names }) {
            return lab
        }
        throw fail("cannot tell the lab: tensors \(names.sorted().joined(separator: ", ")) are not weight+bias (linear), a+b+c (quadratic) or x1+x2 (landscape)")
    }

    private static func integer(_ text: String?, _ key: String, fail: (String) -> GradlabError) throws(GradlabError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else { throw fail("metadata \(key) '\(text)' is not a whole number >= 0") }
        return value
    }

    private static func json<T: Encodable>(_ value: T, path: String) throws(GradlabError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        guard let data = try? encoder.encode(value) else { throw GradlabError("\(path): cannot encode \(T.self) as JSON") }
        return String(decoding: data, as: UTF8.self)
    }
}
