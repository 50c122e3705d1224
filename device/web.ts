/**
 * mpysync in the browser (`mpysync/web`): a `Transport` over a Web Serial port (`navigator.serial`,
 * or `web-serial-polyfill`'s WebUSB `serial`, which has the same shape). The rest is `mpysync`.
 */
export { webSerialTransport, webSerialLabel, type SerialPortLike, type WebSerialOptions } from './transport/web-serial.ts';
