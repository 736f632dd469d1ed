"""The simulator window and headless scenarios: simulated devices driven by the mouse or by a
scripted timeline, with screenshots, widget trees and frame statistics."""
