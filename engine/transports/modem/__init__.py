"""Own the GSM modem connector: AT commands in PDU mode over a serial line (pyserial)."""
