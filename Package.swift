// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "fathom",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "fathom", targets: ["fathom"]),
        // The fuzz targets' driver (scripts/fuzz links libFuzzer into it).
        .executable(name: "fathom-fuzz", targets: ["fathom-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/GraphQLSwift/GraphQL.git", from: "4.3.0"),
        // The embedded instance's real deflate (zlib) and multipart parsing.
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
        // The HTML report's templates (Mustache, from the Hummingbird project).
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C libraries, each behind exactly one Swift module.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // JavaScriptCore's C API, opened with dlopen on first use on Linux (see
        // include/CJavaScriptCore.h): only runs with scripts pay for loading it.
        // The headers come from Debian's libjavascriptcoregtk-4.1-dev.
        .target(
            name: "CJavaScriptCore",
            cSettings: [.unsafeFlags(["-I/usr/include/webkitgtk-4.1"], .when(platforms: [.linux]))],
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),

        // Process-wide settings of the executable (malloc tuning) that Swift cannot reach.
        .target(name: "CProcess"),

        // The core: model, loader, templates, JSONPath, assertions, runner. No C modules.
        .target(name: "FathomCore"),

        // HTTPTransport on libcurl: the only module that touches CURL*.
        .target(name: "FathomCurl", dependencies: ["FathomCore", "CCurl"]),

        // libxml2: the XML writer used by the JUnit reporter, and XPath for assertions.
        .target(name: "FathomXML", dependencies: ["FathomCore", "CLibXML2"]),

        // Digests and HMAC on OpenSSL's libcrypto: the only module that touches it.
        .target(name: "FathomCrypto", dependencies: ["FathomCore", "CCrypto"]),

        // Postman's script sandbox (pm, chai, require) on JavaScriptCore: the only module that touches JSC.
        .target(
            name: "FathomScript", dependencies: ["FathomCore", "CJavaScriptCore"],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I/usr/include/webkitgtk-4.1"], .when(platforms: [.linux]))],
            linkerSettings: [.linkedFramework("JavaScriptCore", .when(platforms: [.macOS]))]
        ),

        // The second front end: reads Postman collections, environments and globals
        // into the core model, and writes native collections (fathom import).
        .target(name: "FathomPostman", dependencies: ["FathomCore"]),

        // GraphQL operations checked against a schema (fathom check), on GraphQLSwift's
        // parser and the specification's validation rules.
        .target(name: "FathomGraphQL", dependencies: ["FathomCore", .product(name: "GraphQL", package: "GraphQL")]),

        // Reporters: console, JUnit, JSON, HTML (Mustache templates), Markdown, GitHub, TAP.
        // They read run events only.
        .target(name: "FathomReports", dependencies: ["FathomCore", "FathomXML", .product(name: "Mustache", package: "swift-mustache")]),

        // The embedded instance: postman-echo compatible routes and a slice of Sonar's GraphQL API.
        .target(name: "FathomMock", dependencies: [
            "FathomCore", "FathomCrypto", "FathomGraphQL",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GraphQL", package: "GraphQL"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "MultipartKit", package: "multipart-kit"),
        ]),

        // The command line: thin commands over the modules above.
        .executableTarget(name: "fathom", dependencies: [
            "FathomCore", "FathomCurl", "FathomXML", "FathomCrypto", "FathomScript", "FathomPostman", "FathomReports", "FathomMock",
            "FathomGraphQL", "CProcess", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: [
            // lld with packed relative relocations (DT_RELR, glibc 2.36+): the binary's
            // 112,000 relocations take 22 KiB instead of 2.6 MiB that every start read
            // in full (docs/performance.md).
            .unsafeFlags(["-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"], .when(platforms: [.linux])),
        ]),

        // Fuzzing: the targets (outside input to Fathom's readers), libFuzzer's driver
        // behind a weak reference, and the executable scripts/fuzz builds with them.
        .target(name: "FathomFuzz", dependencies: ["FathomCore", "FathomPostman", "FathomGraphQL"]),
        .target(name: "CFuzz"),
        .executableTarget(name: "fathom-fuzz", dependencies: ["FathomFuzz", "CFuzz"]),

        .testTarget(name: "FathomCoreTests", dependencies: ["FathomCore"]),
        .testTarget(name: "FathomCryptoTests", dependencies: ["FathomCrypto", "FathomCore"]),
        .testTarget(name: "FathomScriptTests", dependencies: ["FathomScript", "FathomCore", "FathomCrypto"]),
        .testTarget(name: "FathomPostmanTests", dependencies: ["FathomPostman", "FathomCore"]),
        .testTarget(name: "FathomGraphQLTests", dependencies: ["FathomGraphQL", "FathomCore", .product(name: "GraphQL", package: "GraphQL")]),
        .testTarget(name: "FathomCurlTests", dependencies: ["FathomCurl", "FathomCore", "FathomMock"]),
        .testTarget(name: "FathomReportsTests", dependencies: ["FathomReports", "FathomXML", "FathomCore"]),
        .testTarget(name: "FathomMockTests", dependencies: [
            "FathomMock", "FathomCore", .product(name: "GraphQL", package: "GraphQL"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ]),
        .testTarget(name: "FathomIntegrationTests", dependencies: [
            "fathom", "FathomCore", "FathomFuzz", "FathomCurl", "FathomMock", "FathomReports", "FathomXML", "FathomPostman",
        ]),
    ],
    swiftLanguageModes: [.v6]
)
