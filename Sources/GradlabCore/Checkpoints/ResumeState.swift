/// The state a resumed run (`--load`) started from: the checkpoint's epoch,
/// its parameters and, when its optimizer file was loaded, the optimizer's
/// steps, buffers and schedule in progress.
///
/// A run file keeps it in its config (`resume`), so that a replay's fork
/// re-runs the resumed run from the very state it started from, without the
/// checkpoint (which may since have been overwritten or moved):
///
///     var config = LabConfig(lab: .quadratic)
///     config.resume = ResumeState(try Checkpoint.load(path: "a.safetensors"))
///     let session = try Session(config: config)   // at the checkpoint's epoch
///
/// Numbers are kept as Doubles, which hold a checkpoint's F32 and F64 values
/// exactly; a non-finite one (a checkpoint saved after a divergence) is
/// written as the config's encoder writes one, `"nan"`, `"inf"` or `"-inf"`,
/// and read back so.
public struct ResumeState: Sendable, Equatable {
    /// The checkpoint's path as `--load` named it (said, never read again).
    public var checkpoint: String?
    /// Epochs trained when the checkpoint was saved.
    public var epoch: Int
    /// The parameters by checkpoint name (`a`, `b`, `c`; `x1`, `x2`).
    public var params: [String: [Double]]
    /// The optimizer state, when the checkpoint's optimizer file was loaded.
    public var optimizer: Optimizer?

    /// An optimizer's resumed state. Its hyperparameters are the config's
    /// `optimizer`, but for the rate, which is ``lr``.
    public struct Optimizer: Sendable, Equatable {
        /// Steps taken (PyTorch's `step`).
        public var step: Int
        /// The rate the next step takes: the schedule's current rate under
        /// one (the config's `lr` is then the schedule's base rate).
        public var lr: Double
        /// Each buffer (`momentum_buffer`, `exp_avg`, ...) over all
        /// parameters, laid out like the lab's flat parameter buffer.
        public var state: [String: [Double]]
        /// The learning-rate schedule in progress, if any.
        public var scheduler: LearningRateScheduler?

        public init(step: Int, lr: Double, state: [String: [Double]], scheduler: LearningRateScheduler?) {
            self.step = step
            self.lr = lr
            self.state = state
            self.scheduler = scheduler
        }
    }

    public init(checkpoint: String?, epoch: Int, params: [String: [Double]], optimizer: Optimizer?) {
        self.checkpoint = checkpoint
        self.epoch = epoch
        self.params = params
        self.optimizer = optimizer
    }

    /// What `checkpoint` holds, as a run resumes it.
    public init(_ checkpoint: LoadedCheckpoint) {
        self.init(
            checkpoint: checkpoint.path, epoch: checkpoint.epoch,
            params: Dictionary(checkpoint.params.map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first }),
            optimizer: checkpoint.optimizer.map { saved in
                Optimizer(step: saved.stepCount, lr: saved.config.lr,
                          state: Dictionary(saved.buffers.map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first }),
                          scheduler: saved.scheduler)
            })
    }

    /// The checkpoint this state was taken from, for a run of `config`
    /// (its lab, dtype and optimizer): what ``Session/restore(_:)`` takes.
    public func loaded(for config: LabConfig) throws(GradlabError) -> LoadedCheckpoint {
        guard epoch >= 0 else { throw GradlabError("resume: epoch must be 0 or more, got \(epoch)") }
        let names = config.parameterNames
        guard Set(params.keys) == Set(names) else {
            throw GradlabError("resume: a \(config.lab.rawValue) run resumes parameters \(names.joined(separator: ", ")), "
                               + "the config has \(params.keys.sorted().joined(separator: ", "))")
        }
        var state: OptimizerCheckpoint?
        if let optimizer {
            guard optimizer.step >= 0 else { throw GradlabError("resume: optimizer step must be 0 or more, got \(optimizer.step)") }
            var resumed = config.optimizer
            resumed.lr = optimizer.lr
            do { try resumed.validate() } catch { throw GradlabError("resume: \(error.message)") }
            do { try optimizer.scheduler?.schedule.validate() } catch { throw GradlabError("resume: \(error.message)") }
            state = OptimizerCheckpoint(config: resumed, stepCount: optimizer.step,
                                        buffers: optimizer.state.keys.sorted().map { NamedValues($0, optimizer.state[$0] ?? []) },
                                        scheduler: optimizer.scheduler)
        }
        return LoadedCheckpoint(lab: config.lab, epoch: epoch, dtype: config.dtype,
                                params: names.map { NamedValues($0, params[$0] ?? []) }, metadata: [:], optimizer: state)
    }
}

extension OptimizerCheckpoint {
    /// The optimizer as the run that saved it was configured: under a
    /// schedule, its rate is the schedule's base rate (the one `--lr` gave),
    /// not the current one.
    public var baseConfig: OptimizerConfig {
        var base = config
        if let scheduler { base.lr = scheduler.base }
        return base
    }
}

// MARK: - Run-file text

extension ResumeState {
    /// The state as a run file's config holds it (`resume`): the JSON its
    /// Codable form writes, but written directly, as a million-point
    /// landscape's state under Adam is six million numbers, which
    /// `JSONEncoder` took 3.6 s and 470 MB more to write. Numbers are the
    /// shortest text that reads back to the same value, Float's for an f32
    /// run (whose checkpoint holds Floats); a non-finite one is a string.
    func jsonText(single: Bool) -> String {
        var json = JSONText(single: single, capacity: 64 + 20 * (params.values.reduce(0) { $0 + $1.count }
                                                                     + (optimizer?.state.values.reduce(0) { $0 + $1.count } ?? 0)))
        func numbers(_ values: [Double]) {
            json.raw("[")
            for (i, value) in values.enumerated() {
                if i > 0 { json.raw(",") }
                if value.isFinite { json.number(value) } else { json.string(value.isNaN ? "nan" : value > 0 ? "inf" : "-inf") }
            }
            json.raw("]")
        }
        func named(_ values: [String: [Double]]) {
            json.raw("{")
            for (i, name) in values.keys.sorted().enumerated() {
                json.key(name, first: i == 0)
                numbers(values[name] ?? [])
            }
            json.raw("}")
        }
        json.raw("{")
        if let checkpoint { json.key("checkpoint", first: true); json.string(checkpoint) }
        json.key("epoch", first: checkpoint == nil); json.raw(String(epoch))
        if let optimizer {
            json.key("optimizer"); json.raw("{")
            json.key("lr", first: true); json.raw(formatNumber(optimizer.lr))
            if let scheduler = optimizer.scheduler { json.key("scheduler"); json.raw(RunFileFormat.encode(scheduler)) }
            json.key("state"); named(optimizer.state)
            json.key("step"); json.raw(String(optimizer.step))
            json.raw("}")
        }
        json.key("params"); named(params)
        json.raw("}")
        return json.text
    }
}

// MARK: - Codable

extension ResumeState: Codable {
    private enum Keys: String, CodingKey { case checkpoint, epoch, params, optimizer }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        checkpoint = try container.decodeIfPresent(String.self, forKey: .checkpoint)
        epoch = try container.decode(Int.self, forKey: .epoch)
        params = try container.decode([String: [ConfigNumber]].self, forKey: .params).mapValues { $0.map(\.value) }
        optimizer = try container.decodeIfPresent(Optimizer.self, forKey: .optimizer)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(checkpoint, forKey: .checkpoint)
        try container.encode(epoch, forKey: .epoch)
        try container.encode(params, forKey: .params)
        try container.encodeIfPresent(optimizer, forKey: .optimizer)
    }
}

extension ResumeState.Optimizer: Codable {
    private enum Keys: String, CodingKey { case step, lr, state, scheduler }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        step = try container.decode(Int.self, forKey: .step)
        lr = try container.decode(Double.self, forKey: .lr)
        state = try container.decode([String: [ConfigNumber]].self, forKey: .state).mapValues { $0.map(\.value) }
        scheduler = try container.decodeIfPresent(LearningRateScheduler.self, forKey: .scheduler)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(step, forKey: .step)
        try container.encode(lr, forKey: .lr)
        try container.encode(state, forKey: .state)
        try container.encodeIfPresent(scheduler, forKey: .scheduler)
    }
}

/// A number as the run file's config encoder writes it: a JSON number, or
/// `"nan"`, `"inf"`, `"-inf"` for a non-finite one
/// (`RunFileFormat.encode`'s `nonConformingFloatEncodingStrategy`).
private struct ConfigNumber: Decodable {
    var value: Double

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            value = number
            return
        }
        switch try container.decode(String.self) {
        case "nan": value = .nan
        case "inf": value = .infinity
        case "-inf": value = -.infinity
        case let other:
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(other)' is not a number (nan, inf and -inf are the only words)")
        }
    }
}
