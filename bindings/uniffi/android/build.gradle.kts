// Android AAR of truto-ticketing. NOT BUILT HERE (no Android SDK on these machines); written to
// be honest and complete, and checked by no CI. Build on a machine with the Android SDK + NDK:
//
//     cargo install cargo-ndk
//     rustup target add aarch64-linux-android armv7-linux-androideabi x86_64-linux-android i686-linux-android
//     cd bindings/uniffi/android && gradle assembleRelease     # -> build/outputs/aar/
//
// 1. cargoNdkBuild cross-compiles the Rust library for each ABI into build/rustJniLibs/<abi>/.
// 2. generateUniffiBindings runs the workspace's uniffi-bindgen on the arm64 library (library
//    mode reads the metadata from any target's binary) into build/generated/uniffi/.
// 3. The AAR packs those Kotlin sources, SecretString.kt (shared with the JVM jar), the .so
//    files, and depends on JNA's AAR (which carries libjnidispatch.so per ABI).
//
// Known gap before this AAR can talk to https://api.truto.one: the core's HTTP client verifies
// certificates with rustls-platform-verifier, which on Android must be initialised once from
// JNI with an application Context (its `rustls-platform-verifier-android` component). That
// hook is not written yet; see ../README.md.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val workspaceDir: File = rootDir.resolve("../../..").canonicalFile
val rustJniLibs = layout.buildDirectory.dir("rustJniLibs")
val uniffiKotlin = layout.buildDirectory.dir("generated/uniffi")
val androidAbis = listOf("arm64-v8a", "armeabi-v7a", "x86_64", "x86")
val minSdkVersion = 24

android {
    namespace = "truto.ticketing"
    compileSdk = 35
    // cargo-ndk uses the same NDK (ANDROID_NDK_HOME, else the SDK's ndk/ folder).
    ndkVersion = "27.2.12479018"

    defaultConfig {
        minSdk = minSdkVersion
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            java.srcDir(uniffiKotlin)
            java.srcDir(workspaceDir.resolve("bindings/uniffi/kotlin/src/main/kotlin"))
            jniLibs.srcDir(rustJniLibs)
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // The @aar artifact carries JNA's native dispatch library for every Android ABI.
    implementation("net.java.dev.jna:jna:5.19.1@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.11.0")
}

val cargoNdkBuild by tasks.registering(Exec::class) {
    description = "Cross-compiles libtruto_ticketing_uniffi.so for every Android ABI with cargo-ndk."
    workingDir = workspaceDir
    val release = gradle.startParameter.taskNames.none { it.contains("Debug", ignoreCase = true) }
    commandLine(
        buildList {
            addAll(listOf("cargo", "ndk", "--platform", minSdkVersion.toString()))
            androidAbis.forEach { addAll(listOf("-t", it)) }
            addAll(listOf("-o", rustJniLibs.get().asFile.path, "build", "-p", "truto-ticketing-uniffi"))
            if (release) add("--release")
        },
    )
    outputs.dir(rustJniLibs)
    outputs.upToDateWhen { false } // cargo decides what is up to date
}

val generateUniffiBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings from the arm64 library (uniffi-bindgen, library mode)."
    dependsOn(cargoNdkBuild)
    workingDir = workspaceDir
    commandLine(
        "cargo", "run", "-p", "uniffi-bindgen", "--",
        "generate", rustJniLibs.get().file("arm64-v8a/libtruto_ticketing_uniffi.so").asFile.path,
        "--language", "kotlin", "--out-dir", uniffiKotlin.get().asFile.path, "--no-format",
    )
    outputs.dir(uniffiKotlin)
}

tasks.named("preBuild") {
    dependsOn(generateUniffiBindings)
}
