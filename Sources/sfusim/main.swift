import SimServer
