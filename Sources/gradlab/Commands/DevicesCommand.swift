import ArgumentParser
import GradlabCore

/// `gradlab devices`: every device, usable or not and why; with
/// `--emit-source`, the CUDA C that the given lab options compile.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the devices (cpu, cuda) and why each is usable or not; print the CUDA C a lab compiles.",
        discussion: """
        Examples:
          gradlab devices                  # each device, the libraries tried
          gradlab devices --emit-source    # the landscape's kernels, as CUDA C
          gradlab devices --emit-source --lab linear --optimizer adam --dtype f64
        docs/devices.md explains the search order and the kernels.
        """
    )

    @Flag(help: "Print the CUDA C that the lab options below compile, instead of the device list.")
    var emitSource = false

    @OptionGroup(title: "Lab (with --emit-source)") var labOptions: LabOptions
    @OptionGroup(title: "Optimizer (with --emit-source)") var optimizerOptions: OptimizerOptions

    func run() async throws {
        guard emitSource else {
            print(DeviceReport.text())
            return
        }
        let config = try labOptions.labConfig(optimizer: optimizerOptions, epochs: nil)
        let sources = try DeviceReport.sources(for: config)
        for (index, source) in sources.enumerated() {
            print("// ---- kernel source \(index + 1) of \(sources.count) ----")
            print(source)
        }
    }
}
