// swift-tools-version: 6.0
import PackageDescription

/// The kernels are optimized in debug builds too: unoptimized SIMD code is
/// a hundred times slower, and it is leaf code nobody steps through.
let simdOptimization: [SwiftSetting] = [
    .unsafeFlags(["-Ounchecked"], .when(configuration: .release)),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "gradlab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gradlab", targets: ["gradlab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // MARK: - C shims

        /// ncursesw, wide-character API. Debian: libncursesw5-dev.
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),

        /// Signal handlers installed first thing in main: stop signals are
        /// never lost (exit at once during set-up, counted once a run polls),
        /// and every crash or stop restores the terminal (docs/reliability.md).
        .target(name: "CGradlabSignals"),

        // MARK: - Math

        /// CPU feature detection for choosing a kernel set at run time.
        .target(name: "CGradlabCPU"),

        /// Whole-vector operations Swift's SIMD types do not lower to one
        /// instruction (square root), inlined into each kernel module.
        .target(name: "CGradlabVector"),

        /// The chunk kernels and vectorized elementary functions, built for
        /// the x86-64 baseline. The two targets after it compile the same
        /// files (symbolic links to `GradlabSIMD/Kernels`) for AVX2 and
        /// AVX-512; GradlabMath picks one at run time (docs/performance.md).
        .target(
            name: "GradlabSIMD",
            dependencies: ["CGradlabVector"],
            swiftSettings: simdOptimization
        ),
        .target(
            name: "GradlabSIMDAVX2",
            dependencies: ["GradlabSIMD", "CGradlabVector"],
            swiftSettings: [
                .define("GRADLAB_SIMD_VARIANT"), .define("GRADLAB_SIMD_AVX2"),
                .unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma"]),
            ] + simdOptimization
        ),
        .target(
            name: "GradlabSIMDAVX512",
            dependencies: ["GradlabSIMD", "CGradlabVector"],
            swiftSettings: [
                .define("GRADLAB_SIMD_VARIANT"), .define("GRADLAB_SIMD_AVX512"),
                .unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mavx512f", "-Xcc", "-mavx512vl",
                              "-Xcc", "-mavx512bw", "-Xcc", "-mavx512dq"]),
            ] + simdOptimization
        ),

        /// The expression language, reverse-mode autodiff, straight-line
        /// Programs, and their CPU executors (scalar reference and SIMD).
        .target(
            name: "GradlabMath",
            dependencies: [
                "CGradlabCPU", "GradlabSIMD", "GradlabSIMDAVX2", "GradlabSIMDAVX512",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),

        // MARK: - Devices

        /// The device protocol (buffers, sweeps described as data), the CPU
        /// SIMD device, and the compute thread a Session runs on.
        .target(
            name: "GradlabDevice",
            dependencies: ["GradlabMath"],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),

        /// The CUDA device: the driver and NVRTC loaded at run time (never
        /// linked), CUDA C generated from each sweep's Program.
        .target(
            name: "GradlabCUDA",
            dependencies: ["GradlabDevice", "GradlabMath"]
        ),

        // MARK: - Engine

        /// Optimizers, labs, data loading, the Session actor, and run files.
        /// No terminal code.
        .target(
            name: "GradlabCore",
            dependencies: [
                "GradlabMath", "GradlabDevice", "GradlabCUDA", "GradlabPlot",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]
        ),

        // MARK: - Plots

        /// Plot models with no terminal in them: scales and ticks, series
        /// envelopes, sampled fields and their contour bands, the painter
        /// protocol, and the SVG renderer (docs/figures.md).
        .target(name: "GradlabPlot"),

        // MARK: - Terminal UI

        /// Cell screen, braille canvas, widgets, themes, keymap, ncurses backend.
        .target(
            name: "GradlabUI",
            dependencies: ["GradlabPlot", "CNcurses", "CGradlabSignals"]
        ),

        // MARK: - Command line

        .executableTarget(
            name: "gradlab",
            dependencies: [
                "GradlabMath", "GradlabCore", "GradlabUI", "CGradlabSignals",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: - Tests

        /// Fixture loading shared by the test targets (reference numbers from
        /// NumPy/PyTorch/scikit-learn, copied into Tests/Fixtures).
        .target(name: "GradlabTestSupport", path: "Tests/Support"),

        .testTarget(
            name: "GradlabMathTests",
            dependencies: ["GradlabMath"]
        ),
        .testTarget(
            name: "GradlabCoreTests",
            dependencies: ["GradlabCore", "GradlabTestSupport"]
        ),
        .testTarget(
            name: "GradlabPlotTests",
            dependencies: ["GradlabPlot"]
        ),
        .testTarget(
            name: "GradlabUITests",
            dependencies: ["GradlabUI"],
            resources: [.copy("Snapshots")]
        ),
        .testTarget(
            name: "GradlabCLITests",
            dependencies: ["GradlabCore", "GradlabCUDA", "GradlabTestSupport", "gradlab"],
            exclude: ["Snapshots"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: - Fuzzing

/// libFuzzer targets, one per loader (docs/reliability.md). Only declared when
/// GRADLAB_FUZZ is set, and only linkable with `-sanitize=fuzzer,address`
/// (libFuzzer's driver), so `swift build` and `swift test` never see them:
/// `Fuzz/run` builds and runs them.
if let fuzzerNoMain = Context.environment["GRADLAB_FUZZ"] {
    let fuzzTargets: [(name: String, dependency: Target.Dependency)] = [
        ("FuzzExpression", "GradlabMath"), ("FuzzCSV", "GradlabCore"), ("FuzzRunFile", "GradlabCore"),
        ("FuzzSafeTensors", "GradlabCore"), ("FuzzTheme", "GradlabUI"), ("FuzzCompareList", "GradlabCore"),
        ("FuzzSchedule", "GradlabCore"),
    ]
    package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Targets/FuzzSupport"))
    for (name, dependency) in fuzzTargets {
        package.targets.append(.executableTarget(
            name: name, dependencies: ["FuzzSupport", dependency], path: "Fuzz/Targets/\(name)",
            // libFuzzer without its own main (SwiftPM renames ours): the
            // driver is called from main.swift (FuzzSupport.fuzz).
            linkerSettings: [.unsafeFlags(["-Xlinker", fuzzerNoMain, "-lstdc++"])]
        ))
    }
}

