import { compatSuites } from '../../jest.preset.js';
import config from './jest.config.js';

export default compatSuites(config);
