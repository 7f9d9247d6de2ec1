// The Android library (AAR) of truto-ticketing: the same Kotlin bindings as the JVM jar,
// with the Rust library cross-compiled for the Android ABIs by cargo-ndk.
// NOT BUILT IN THIS REPOSITORY'S CI: there is no Android SDK there. See ../README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.library") version "8.7.3"
        id("org.jetbrains.kotlin.android") version "2.4.21"
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "truto-ticketing-android"
