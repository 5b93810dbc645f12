import { appCodegenConfig } from '@gencaster/web/codegen';

export default appCodegenConfig;
