// swift-tools-version:6.1
// The architecture is visible here: one target per protocol layer, dependencies point downward,
// C lives only in C* targets, Hummingbird is imported by SimServer only. See docs/architecture.md.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "sfusim",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "sfusim", targets: ["sfusim"]),
        .executable(name: "sfusim-bench", targets: ["SimBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-websocket.git", from: "1.6.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
    ],
    targets: [
        // C system libraries: headers only (module.modulemap + shim.h).
        .systemLibrary(name: "CSimNice", path: "Sources/CSimNice", pkgConfig: "nice", providers: [.apt(["libnice-dev"])]),
        .systemLibrary(name: "CSimSRTP", path: "Sources/CSimSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "CSimOpenSSL", path: "Sources/CSimOpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // The one plain-C target: GLib/libnice trampolines and OpenSSL macro wrappers (c_sim_* names).
        .target(name: "CSimShims", dependencies: ["CSimNice", "CSimOpenSSL", "CSimSRTP"]),

        // Layers, bottom up.
        .target(name: "SimCore", swiftSettings: swiftSettings),
        .target(
            name: "SimProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .target(name: "SimSDP", dependencies: ["SimCore"], swiftSettings: swiftSettings),
        .target(
            name: "SimAuth",
            dependencies: ["SimCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(name: "SimRoom", dependencies: ["SimCore"], swiftSettings: swiftSettings),
        .target(name: "SimFaults", dependencies: ["SimCore"], swiftSettings: swiftSettings),
        .target(name: "SimDecart", dependencies: ["SimCore", "SimFaults"], swiftSettings: swiftSettings),
        .target(
            name: "SimScenario",
            dependencies: ["SimCore", "SimFaults", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SimMatrix",
            dependencies: ["SimCore", "SimAuth", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SimAgent",
            dependencies: [
                "SimCore", "SimAuth", "SimRoom", "SimFaults", "SimProto", "SimSignal",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "SimRTP", dependencies: ["SimCore"], swiftSettings: swiftSettings),
        .target(name: "SimSCTP", dependencies: ["SimCore"], swiftSettings: swiftSettings),
        .target(
            name: "SimMedia",
            dependencies: ["SimCore", "SimRTP", "SimSCTP", "SimFaults", "CSimNice", "CSimSRTP", "CSimOpenSSL", "CSimShims"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SimSignal",
            dependencies: [
                "SimCore", "SimProto", "SimRoom", "SimAuth", "SimSDP", "SimFaults",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SimServer",
            dependencies: [
                "SimCore", "SimAuth", "SimRoom", "SimSignal", "SimFaults", "SimMedia", "SimRTP", "SimSDP", "SimDecart", "SimScenario", "SimMatrix",
                "SimAgent",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sfusim",
            dependencies: [
                "SimCore", "SimAuth", "SimServer", "SimScenario",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SimTestKit",
            dependencies: [
                "SimCore", "SimAuth", "SimSignal", "SimProto", "SimRoom", "SimFaults",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "SimBench",
            dependencies: [
                "SimCore", "SimAuth", "SimProto", "SimRoom", "SimSignal", "SimMedia", "SimRTP", "SimSCTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "SimCoreTests", dependencies: ["SimCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SimSDPTests", dependencies: ["SimSDP", "SimCore"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "SimAuthTests", dependencies: ["SimAuth", "SimCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SimRoomTests", dependencies: ["SimRoom", "SimCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SimMediaTests", dependencies: ["SimMedia", "SimRTP", "SimCore", "SimFaults", "SimTestKit"], swiftSettings: swiftSettings),
        .testTarget(name: "SimSCTPTests", dependencies: ["SimSCTP", "SimCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SimMatrixTests", dependencies: ["SimMatrix", "SimAuth", "SimCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SimAgentTests",
            dependencies: [
                "SimAgent", "SimAuth", "SimCore", "SimProto", "SimRoom", "SimSignal", "SimTestKit",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SimFaultsTests", dependencies: ["SimFaults", "SimCore", "SimTestKit"], swiftSettings: swiftSettings),
        .testTarget(name: "SimRTPTests", dependencies: ["SimRTP", "SimCore"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "SimDecartTests", dependencies: ["SimDecart", "SimCore", "SimFaults", "SimTestKit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SimScenarioTests", dependencies: ["SimScenario", "SimCore", "SimFaults", "SimTestKit"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimSignalTests",
            dependencies: [
                "SimSignal", "SimProto", "SimRoom", "SimAuth", "SimCore", "SimTestKit", "SimSDP", "SimFaults",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimServerTests",
            dependencies: [
                "SimServer", "SimTestKit", "SimProto", "SimCore", "SimFaults", "SimMatrix",
                .product(name: "WSClient", package: "swift-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
