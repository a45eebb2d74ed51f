// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// SIMD code in the transformer kernels needs a target CPU, otherwise `SIMD.addProduct`
/// and friends lower to a library call per lane. Guarded by architecture so the package
/// still builds elsewhere (haswell = AVX2 + FMA + F16C, present on every x86 server since 2015).
/// When the building machine has AVX-512 the kernels use it (16-lane registers: +25–35 % on the
/// quantized kernels, measured on Zen 4); the binary then needs AVX-512 where it runs.
#if arch(x86_64)
let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
let hasAVX512 = cpuInfo.contains(" avx512f") && cpuInfo.contains(" avx512bw") && cpuInfo.contains(" avx512vl")
let targetCPU: [String] = ["-target-cpu", !hasAVX512 ? "haswell" : cpuInfo.contains("AuthenticAMD") ? "znver4" : "skylake-avx512"]
#else
let targetCPU: [String] = []
#endif
/// The kernels are optimized even in debug builds: unoptimized SIMD code is 100× slower, which
/// would make the real-model tests take minutes.
let kernelFlags: [SwiftSetting] = [
    .unsafeFlags(targetCPU),
    .unsafeFlags(["-O"], .when(configuration: .debug)),
]

let package = Package(
    name: "AugServe",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "augserve", targets: ["augserve"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.20.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.0"),
    ],
    targets: [
        .target(
            name: "ServingCore",
            dependencies: [.product(name: "Collections", package: "swift-collections")]
        ),
        .target(name: "Workloads", resources: [.copy("Data")]),
        .target(name: "Measurement"),
        .target(name: "Simulation", dependencies: ["ServingCore", "Workloads", "Measurement"]),
        .target(name: "ModelFiles"),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Transformer", dependencies: ["ModelFiles", "COpenBLAS"], swiftSettings: kernelFlags),
        .target(name: "Tokenization", dependencies: ["ModelFiles"]),
        .target(name: "ModelExecution", dependencies: ["ServingCore", "Transformer"], swiftSettings: kernelFlags),
        .target(
            name: "EngineRuntime",
            dependencies: ["ServingCore", .product(name: "Collections", package: "swift-collections")]
        ),
        .target(name: "StructuredOutput"),
        .target(
            name: "Tools",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MCP", package: "swift-sdk"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "augserve-test-mcp",
            dependencies: [.product(name: "MCP", package: "swift-sdk")],
            path: "Tests/Fixtures/TestMCPServer"
        ),
        .target(name: "OpenAIProtocol"),
        .target(
            name: "LoadGenerator",
            dependencies: [
                "Workloads", "Measurement", "Tokenization",
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "APIServer",
            dependencies: [
                "EngineRuntime", "ServingCore", "Tokenization", "OpenAIProtocol", "Tools", "StructuredOutput",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ServerAssembly",
            dependencies: [
                "APIServer", "EngineRuntime", "ServingCore", "ModelExecution", "Transformer", "ModelFiles", "Tokenization", "Tools",
                "Workloads", "Simulation", "Measurement",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "augserve",
            dependencies: [
                "ServingCore", "Workloads", "Measurement", "Simulation",
                "ModelFiles", "Transformer", "Tokenization", "ModelExecution", "EngineRuntime", "APIServer", "ServerAssembly", "LoadGenerator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "ServingCoreTests", dependencies: ["ServingCore", "Workloads"]),
        .testTarget(name: "WorkloadsTests", dependencies: ["Workloads"], exclude: ["Fixtures"]),
        .testTarget(name: "MeasurementTests", dependencies: ["Measurement"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "ServingCore", "Workloads", "Measurement"]),
        .testTarget(name: "ModelFilesTests", dependencies: ["ModelFiles", "Workloads"]),
        .testTarget(name: "TransformerTests", dependencies: ["Transformer", "ModelFiles"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TokenizationTests", dependencies: ["Tokenization", "ModelFiles", "Workloads"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ModelExecutionTests", dependencies: ["ModelExecution", "ServingCore", "Transformer", "ModelFiles"]),
        .testTarget(name: "EngineRuntimeTests", dependencies: ["EngineRuntime", "ServingCore", "ModelExecution", "Transformer", "ModelFiles"]),
        .testTarget(name: "OpenAIProtocolTests", dependencies: ["OpenAIProtocol"]),
        .testTarget(
            name: "LoadGeneratorTests",
            dependencies: [
                "LoadGenerator", "Workloads", "Measurement", "Tokenization", "ModelFiles",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .testTarget(name: "StructuredOutputTests", dependencies: ["StructuredOutput", "Tokenization", "ModelFiles", "Workloads"]),
        .testTarget(
            name: "ToolsTests",
            dependencies: ["Tools", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "AsyncHTTPClient", package: "async-http-client")]
        ),
        .testTarget(
            name: "APIServerTests",
            dependencies: [
                "APIServer", "ServerAssembly", "EngineRuntime", "ServingCore", "ModelExecution", "Transformer", "ModelFiles",
                "Tokenization", "OpenAIProtocol", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["augserve"]),
    ]
)
