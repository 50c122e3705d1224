/**
 * Browser-safe entry to the transports. The Node `serialport` transport is imported directly from
 * './node-serial' by Node code, so that `serialport` never ends up in the page bundle.
 */
export type { Transport } from '../../protocol/transport.ts';
export { webSerialTransport, webSerialLabel, type SerialPortLike, type WebSerialOptions } from './web-serial.ts';
export {
  requestSerialPort,
  grantedSerialPorts,
  onGrantedPortConnected,
  pickSerialBackend,
  type SerialBackend,
  type SerialPortRequestFilter,
  type NavigatorLike,
} from './request-port.ts';
