import Foundation
import Testing
import GradlabMath
@testable import GradlabCore

/// The device seam: the CPU device's buffers and sweeps, the compute
/// thread, device requests and the optimizer registry.
@Suite("Devices")
struct DeviceTests {
    @Test func buffersRoundTripAndCheckRanges() throws {
        let device = CPUDevice()
        let buffer = try device.allocate(Float.self, count: 5, filled: 2)
        #expect(try device.read(buffer, range: 0..<5) == [2, 2, 2, 2, 2])
        try device.write([1, 3], to: buffer, at: 3)
        #expect(try device.read(buffer, range: 2..<5) == [2, 1, 3])
        #expect(throws: DeviceError.self) { try device.read(buffer, range: 4..<6) }
        #expect(throws: DeviceError.self) { try device.write([1, 2, 3], to: buffer, at: 4) }
        device.free(buffer)
        #expect(throws: DeviceError.self) { try device.read(buffer, range: 0..<1) }
        #expect(device.bytesAllocated == 0)
    }

    @Test func badBindingsAreRefusedWhenPrepared() throws {
        let device = CPUDevice()
        let program = Program.valueAndGradient(of: try Expression.parse("x*x", variables: ["x"]), inputs: ["x"], respect: ["x"])
        let a = try device.allocate(Double.self, count: 10, filled: 0)
        // Too few inputs.
        #expect(throws: DeviceError.self) {
            try device.prepare(Sweep<Double>(program: program, lanes: 10, inputs: [], outputs: [.discard, .discard]))
        }
        // A slice past the buffer's end.
        #expect(throws: DeviceError.self) {
            try device.prepare(Sweep(program: program, lanes: 10, inputs: [.lanes(a, offset: 1)], outputs: [.discard, .discard]))
        }
        // An output overlapping the input without being it.
        let b = try device.allocate(Double.self, count: 20, filled: 0)
        #expect(throws: DeviceError.self) {
            try device.prepare(Sweep(program: program, lanes: 10, inputs: [.lanes(b, offset: 0)], outputs: [.discard, .lanes(b, offset: 5)]))
        }
        // One element written per lane only makes sense lane after lane.
        #expect(throws: DeviceError.self) {
            try device.prepare(Sweep(program: program, lanes: 10, inputs: [.lanes(a, offset: 0)], outputs: [.discard, .element(b, index: 0)]))
        }
    }

    /// A sequential sweep run in two parts, the second continuing the
    /// first's sums, is the sweep run in one: what per-sample SGD does when
    /// the first step's update differs.
    @Test func sequentialSweepsResumeExactly() throws {
        let loss = try Expression.parse("abs(w*x - y)", variables: ["w", "x", "y"])
        var composer = ProgramComposer(extending: Program.valueAndGradient(of: loss, inputs: ["w", "x", "y"], respect: ["w"]))
        let w = composer.input("w"), rate = composer.input("-lr")
        let updated = composer.binary(.add, w, composer.binary(.multiply, rate, composer.baseOutputs[1]))
        let program = composer.program(outputs: [("loss", composer.baseOutputs[0]), ("w'", updated)])
        func train(splitAt split: Int?) throws -> (sum: Double, w: Float) {
            let device = CPUDevice()
            let weight = try device.allocate(Float.self, count: 1, filled: 0.3)
            let x = try device.allocate(Float.self, count: 40, filled: 0), y = try device.allocate(Float.self, count: 40, filled: 0)
            try device.write((0..<40).map { Float($0) / 40 }, to: x)
            try device.write((0..<40).map { 0.7 * Float($0) / 40 + 0.1 }, to: y)
            let sweep = try device.prepare(Sweep(
                program: program, lanes: 40, mode: .sequential,
                inputs: [.element(weight, index: 0), .lanes(x, offset: 0), .lanes(y, offset: 0), .scalar(0)],
                outputs: [.discard, .element(weight, index: 0)], summed: [0]))
            var sums: [Double]?
            for range in split.map({ [0..<$0, $0..<40] }) ?? [0..<40] {
                sums = try device.run(sweep, scalars: [-0.05], lanes: range, sums: sums).sums
            }
            return (sums?[0] ?? .nan, try device.read(weight, at: 0))
        }
        let whole = try train(splitAt: nil)
        #expect(try train(splitAt: 1) == whole)
        #expect(try train(splitAt: 17) == whole)
        #expect(whole.w != 0.3)
    }

    actor Probe {
        nonisolated let thread = ComputeThread(name: "gradlab.test")
        nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }
        func where_() -> Bool { thread.isCurrent }
    }

    @Test func actorsOnAComputeThreadRunThere() async {
        let probe = Probe()
        for _ in 0..<3 {
            #expect(await probe.where_())
        }
        #expect(!probe.thread.isCurrent)
    }

    @Test func sessionsComputeOnTheirOwnThread() async throws {
        let session = try Session(config: LabConfig(lab: .quadratic), streaming: false)
        #expect(await session.isOnComputeThread)
    }

    @Test func deviceRequestsParse() throws {
        #expect(DeviceRequest("auto") == .auto)
        #expect(DeviceRequest("cpu") == .exactly(.cpu))
        #expect(DeviceRequest("cuda") == .exactly(.cuda(ordinal: 0)))
        #expect(DeviceRequest("cuda:2") == .exactly(.cuda(ordinal: 2)))
        #expect(DeviceRequest("gpu") == nil && DeviceRequest("cuda:-1") == nil)
        #expect(DeviceKind.cuda(ordinal: 1).description == "cuda:1")
        #expect(throws: GradlabError("--device must be auto, cpu or cuda, got 'gpu'")) { try Devices.open("gpu") }
        #expect(try Devices.open("cpu").description.detail.hasPrefix("cpu: "))
        // The TUI's probe names no command-line flag; the command line's open does.
        if case .failure(let error) = Devices.probe("gpu") { #expect(error.message == "must be auto, cpu or cuda, got 'gpu'") }
    }

    @Test func optimizerKindsAreTheRegisteredRules() throws {
        #expect(OptimizerKind.allCases.map(\.rawValue) == ["sgd", "adam", "adamw", "rmsprop", "adagrad", "nadam", "radam", "adamax", "adadelta", "rprop", "newton"])
        #expect(OptimizerKind(rawValue: "lion") == nil)
        #expect(OptimizerKind.adagrad.next == .nadam && OptimizerKind.rprop.next == .newton && OptimizerKind.newton.next == .sgd)
        let decoded = try JSONDecoder().decode([OptimizerKind].self, from: Data(#"["adamw"]"#.utf8))
        #expect(decoded == [.adamw])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([OptimizerKind].self, from: Data(#"["lion"]"#.utf8)) }
        for kind in OptimizerKind.allCases { #expect(OptimizerConfig(kind: kind).kind.rule.kind == kind) }
    }

    /// Every rule's update runs through the same Program path on host
    /// arrays, with state only where the config asks for it.
    @Test func rulesCreateOnlyTheStateTheyUse() {
        func stateNames(_ change: (inout OptimizerConfig) -> Void, _ kind: OptimizerKind) -> [String] {
            var config = OptimizerConfig(kind: kind)
            change(&config)
            let optimizer = makeOptimizer(config, scalar: Double.self)
            var p = [1.0, 2.0]
            optimizer.step(parameters: &p, gradients: [0.5, -0.5], count: 2)
            return optimizer.stateBuffers.map(\.name)
        }
        #expect(stateNames({ _ in }, .sgd) == [])
        #expect(stateNames({ $0.momentum = 0.9 }, .sgd) == ["momentum_buffer"])
        #expect(stateNames({ _ in }, .adam) == ["exp_avg", "exp_avg_sq"])
        #expect(stateNames({ $0.amsgrad = true }, .adamw) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
        #expect(stateNames({ $0.centered = true; $0.momentum = 0.5 }, .rmsprop) == ["square_avg", "momentum_buffer", "grad_avg"])
        #expect(stateNames({ _ in }, .adagrad) == ["sum"])
    }
}

/// Moving a run between devices mid-way (the TUI's `d`) loses nothing: a
/// run moved after two epochs ends where an unmoved one does, bit for bit.
@Suite("Moving between devices")
struct DeviceMoveTests {
    @Test(arguments: [LabKind.landscape, .quadratic, .linear])
    func aMovedRunEndsWhereAnUnmovedOneDoes(lab kind: LabKind) throws {
        var config = LabConfig(lab: kind)
        config.optimizer = OptimizerConfig(kind: .adam)
        config.optimizer.lr = 0.01
        config.points = 500
        func run(moving: Bool) throws -> (EpochRecord, LabInspection, Int) {
            let first = CPUDevice(), second = CPUDevice()
            let lab = try makeLab(config, device: first)
            _ = try lab.startRecord()
            _ = try lab.runEpoch()
            _ = try lab.runEpoch()
            if moving { try lab.move(to: second) }
            _ = try lab.runEpoch()
            let record = try lab.runEpoch()
            return (record, lab.inspect(selectedPoint: 3), moving ? first.bytesAllocated : second.bytesAllocated)
        }
        let (stayed, stayedInspection, _) = try run(moving: false)
        let (moved, movedInspection, left) = try run(moving: true)
        #expect(moved == stayed)
        #expect(movedInspection == stayedInspection)
        #expect(left == 0, "the first device still holds \(left) bytes")
    }
}
